"""A Flask app reporting to bloop (needs Flask: Debian's python3-flask).

    BLOOP_ENDPOINT=http://127.0.0.1:5332 BLOOP_SECRET=change-me-in-production \
        PYTHONPATH=sdks/python /usr/bin/python3 sdks/python/examples/flask_app.py
    curl http://127.0.0.1:8000/orders/17      # a 500, reported as route /orders/<int:order_id>
"""
import flask

import bloop
from bloop.integrations.flask import init_app

bloop.init(environment="example", release="0.1.0")
app = flask.Flask(__name__)
init_app(app)


@app.route("/orders/<int:order_id>")
def show_order(order_id: int) -> str:
    raise LookupError("order %d not found" % order_id)


@app.route("/")
def index() -> str:
    return "try /orders/17\n"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000)
