import logging

# The SDK logs its retries at WARNING; keep them out of the test output (tests that look at the logs
# add their own handler).
logging.getLogger("bloop").addHandler(logging.NullHandler())
