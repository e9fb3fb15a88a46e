# Debian's python3-sentry-sdk (1.9.x: the legacy /store/ endpoint, gzip) pointed at bloop by its DSN.
# Usage: /usr/bin/python3 python-client.py <dsn> <release> <environment> <phase>   (phases: see node-client.mjs)
import json
import sys

import sentry_sdk

dsn, release, environment, phase = sys.argv[1:5]
sentry_sdk.init(dsn, release=release, environment=environment, send_client_reports=False)


def checkout(cart_id):
    raise ValueError(f"cart {cart_id} has no items")


def refund(order_id):
    raise ArithmeticError(f"refund of order {order_id} exceeds the payment")


report = {"phase": phase, "sent": 0}
if phase == "issues":
    for cart in (17, 42):
        try:
            checkout(cart)
        except ValueError as e:
            sentry_sdk.capture_exception(e)
            report["sent"] += 1
        sentry_sdk.flush(5)
    try:
        refund(7)
    except ArithmeticError as e:
        sentry_sdk.capture_exception(e)
        report["sent"] += 1
    sentry_sdk.capture_message("python says hello")
elif phase == "quota":
    for i in range(4):
        try:
            checkout(100 + i)
        except ValueError as e:
            sentry_sdk.capture_exception(e)
            report["sent"] += 1
        sentry_sdk.flush(5)
sentry_sdk.flush(5)
print(json.dumps(report))
