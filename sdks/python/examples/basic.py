"""A runnable tour of bloop-sdk.

    # a bloop server on localhost with the config.yml of the repository:
    BLOOP_ENDPOINT=http://127.0.0.1:5332 BLOOP_SECRET=change-me-in-production \
        PYTHONPATH=sdks/python python3 sdks/python/examples/basic.py [--crash]

Reports a handled exception, a message, a log record and an LLM trace; with --crash it then dies of
an uncaught exception, which is reported before Python prints the traceback and exits with 1.
"""
import logging
import sys

import bloop
from bloop.integrations.logging import BloopHandler


class PaymentDeclined(Exception):
    pass


def charge(card: str, cents: int) -> None:
    raise PaymentDeclined("card %s declined for %d cents" % (card[-4:], cents))


def main() -> None:
    # endpoint, secret, environment and release come from BLOOP_* variables when not given here.
    client = bloop.init(environment="example", release="0.1.0", flush_interval=1.0)
    if not client.enabled:
        print("set BLOOP_ENDPOINT and BLOOP_SECRET to send anything", file=sys.stderr)

    # 1. A handled exception, with some context.
    try:
        charge("4242424242424242", 1999)
    except PaymentDeclined as e:
        bloop.capture_exception(e, route="/checkout", metadata={"plan": "pro"})

    # 2. An error without an exception.
    bloop.capture_message("InventoryMismatch", "sku A-17: 3 in stock, 5 reserved")

    # 3. logger.exception / logger.error through the logging handler.
    log = logging.getLogger("example.jobs")
    log.addHandler(BloopHandler())
    with bloop.scope("job:nightly-invoices", metadata={"batch": 7}):
        try:
            {}["invoice-7"]
        except KeyError:
            log.exception("invoice job failed")

    # 4. An LLM trace (sent to /v1/traces/batch; needs a server with LLM tracing enabled).
    with bloop.trace("support-chat", session_id="session-1") as trace:
        with trace.generation(model="gpt-4o-mini", provider="openai") as span:
            span.set_usage(input_tokens=812, output_tokens=64, cost=0.00016)

    print("flushed:", bloop.flush(5))
    if "--crash" in sys.argv:
        charge("5555555555554444", 500)  # uncaught: reported, then Python's traceback and exit 1


if __name__ == "__main__":
    main()
