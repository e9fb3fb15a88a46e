"""Django middleware, with the real Django (Debian's python3-django). Run by test.sh under /usr/bin/python3."""
import os
import unittest

try:
    import django
    from django.conf import settings
except ImportError:  # pragma: no cover - reported by test.sh
    django = None

import bloop

from tests.helpers import SECRET, Collector

REQUIRED = os.environ.get("BLOOP_REQUIRE_SDK_TOOLCHAINS") == "1"


class OrderMissing(Exception):
    pass


def load_order(order_id):
    raise OrderMissing("order %d not found" % order_id)


def show_order(request, order_id):
    load_order(order_id)


def ok(request):
    from django.http import HttpResponse
    return HttpResponse("fine")


def missing(request):
    from django.http import Http404
    raise Http404("no such page")


def denied(request):
    from django.core.exceptions import PermissionDenied
    raise PermissionDenied()


def handled(request):
    from django.http import HttpResponse
    try:
        load_order(5)
    except OrderMissing as e:
        bloop.capture_exception(e)
    return HttpResponse("handled")


if django is not None:
    import logging

    from django.urls import path

    # Django logs 4xx/5xx at WARNING/ERROR; without a handler they would reach stderr.
    logging.getLogger("django").addHandler(logging.NullHandler())

    urlpatterns = [
        path("orders/<int:order_id>/", show_order),
        path("ok/", ok),
        path("missing/", missing),
        path("denied/", denied),
        path("handled/", handled),
    ]
    if not settings.configured:
        settings.configure(
            DEBUG=False, SECRET_KEY="bloop-test-only", ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"],
            MIDDLEWARE=["bloop.integrations.django.BloopMiddleware"], INSTALLED_APPS=[],
            LOGGING_CONFIG=None,  # Django would print the 500s' tracebacks; not needed here
        )
        django.setup()


@unittest.skipIf(django is None and not REQUIRED, "Django is not installed (Debian: python3-django)")
class DjangoTest(unittest.TestCase):
    def setUp(self):
        from django.test import Client
        self.collector = Collector()
        self.client = bloop.init(self.collector.url, SECRET, environment="test", release="1", flush_interval=60,
                                 auto_capture=False)
        self.http = Client(raise_request_exception=False)

    def tearDown(self):
        bloop.close(1)
        self.collector.close()

    def events(self):
        self.assertTrue(self.client.flush(5))
        return self.collector.accepted_events()

    def test_a_500_is_reported_with_the_url_pattern(self):
        response = self.http.get("/orders/17/", HTTP_X_REQUEST_ID="req-17")
        self.assertEqual(response.status_code, 500)
        [event] = self.events()
        self.assertEqual(event["error_type"], "tests.django_test.OrderMissing")
        self.assertEqual(event["message"], "order 17 not found")
        self.assertEqual(event["route_or_procedure"], "/orders/<int:order_id>/")
        self.assertEqual(event["http_status"], 500)
        self.assertEqual(event["request_id"], "req-17")
        self.assertEqual(event["metadata"], {"method": "GET", "unhandled": True, "mechanism": "django"})
        lines = event["stack"].splitlines()
        self.assertIn("in load_order", lines[0])
        self.assertIn("in show_order", lines[2])
        self.assertTrue(any("/django/" in l for l in lines))

    def test_404_403_and_good_responses_are_not_reported(self):
        self.assertEqual(self.http.get("/ok/").status_code, 200)
        self.assertEqual(self.http.get("/missing/").status_code, 404)
        self.assertEqual(self.http.get("/denied/").status_code, 403)
        self.assertEqual(self.http.get("/nowhere/").status_code, 404)
        self.assertEqual(self.events(), [])

    def test_a_capture_inside_a_view_carries_the_request_context(self):
        self.assertEqual(self.http.post("/handled/", HTTP_X_REQUEST_ID="r5").status_code, 200)
        [event] = self.events()
        self.assertEqual((event["route_or_procedure"], event["request_id"], event["metadata"]),
                         ("/handled/", "r5", {"method": "POST"}))


if __name__ == "__main__":
    unittest.main()
