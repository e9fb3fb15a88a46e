"""Stacks in the shape bloop groups by: most recent call first, causes after, library source left out."""
import json
import sys
import unittest

from bloop import _stack


class PaymentDeclined(Exception):
    pass


def charge(order):
    raise PaymentDeclined("card declined for order %d" % order)


def checkout(order):
    charge(order)


def wrap(order):
    try:
        charge(order)
    except PaymentDeclined as e:
        raise RuntimeError("checkout failed") from e


def implicit(order):
    try:
        charge(order)
    except PaymentDeclined:
        raise LookupError("while handling")


def suppressed():
    try:
        charge(1)
    except PaymentDeclined:
        raise LookupError("cause hidden") from None


def parse(text):
    return json.loads(text)


def recurse(n):
    return recurse(n + 1)


def caught(fn, *args):
    try:
        fn(*args)
    except BaseException as e:
        return e
    raise AssertionError("no exception")


def frame_lines(stack):
    return [line for line in stack.splitlines() if line.startswith('  File "')]


class StackTest(unittest.TestCase):
    def test_most_recent_call_first_with_source_lines(self):
        stack = _stack.format_stack(caught(checkout, 3))
        lines = stack.splitlines()
        self.assertEqual(lines[0], '  File "%s", line %d, in charge' % (__file__, charge.__code__.co_firstlineno + 1))
        self.assertEqual(lines[1], '    raise PaymentDeclined("card declined for order %d" % order)')
        self.assertEqual(lines[2].split(", in ")[1], "checkout")
        self.assertEqual(lines[3], "    charge(order)")
        self.assertEqual(lines[4].split(", in ")[1], "caught")
        self.assertTrue(stack.endswith("\n"))

    def test_same_frames_as_pythons_own_traceback_reversed(self):
        import traceback
        error = caught(checkout, 4)
        ours = [tuple(line.strip() for line in block.split("\n")) for block in
                ("  File" + b for b in _stack.format_stack(error).split("  File")[1:])]
        theirs = traceback.extract_tb(error.__traceback__)
        self.assertEqual(len(ours), len(theirs))
        for (header, source, _), frame in zip(ours, reversed(theirs)):
            self.assertEqual(header, 'File "%s", line %d, in %s' % (frame.filename, frame.lineno, frame.name))
            self.assertEqual(source, frame.line)

    def test_explicit_cause(self):
        stack = _stack.format_stack(caught(wrap, 5))
        first, _, rest = stack.partition("Caused by: ")
        self.assertIn("in wrap", frame_lines(first)[0])
        self.assertTrue(rest.startswith("tests.test_stack.PaymentDeclined: card declined for order 5\n"))
        self.assertIn("in charge", frame_lines(rest)[0])

    def test_implicit_context_and_suppressed_context(self):
        stack = _stack.format_stack(caught(implicit, 6))
        self.assertIn("Caused by: tests.test_stack.PaymentDeclined: card declined for order 6", stack)
        self.assertNotIn("Caused by", _stack.format_stack(caught(suppressed)))

    def test_library_frames_keep_their_line_but_not_their_source(self):
        stack = _stack.format_stack(caught(parse, ""))
        lines = stack.splitlines()
        self.assertIn("json", lines[0])
        self.assertTrue(all(line.startswith('  File "') for line in lines[:3]))  # no library source lines
        app = [i for i, line in enumerate(lines) if "in parse" in line][0]
        self.assertEqual(lines[app + 1], "    return json.loads(text)")
        self.assertTrue(_stack.is_library_file(json.__file__))
        self.assertFalse(_stack.is_library_file(__file__))
        self.assertTrue(_stack.is_library_file("<frozen runpy>"))
        self.assertTrue(_stack.is_library_file("/srv/app/.venv/lib/python3.11/site-packages/flask/app.py"))

    def test_recursion_is_summed_up_and_the_stack_fits_the_cap(self):
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(300)
        try:
            error = caught(recurse, 0)
        finally:
            sys.setrecursionlimit(limit)
        stack = _stack.format_stack(error)
        self.assertLessEqual(len(stack.encode("utf-8")), 8192)
        self.assertEqual(len([l for l in frame_lines(stack) if "in recurse" in l]), 3)
        self.assertRegex(stack, r"\n  \.\.\. same frame repeated, \d+ more\n")

    def test_cut_on_a_line_boundary_within_the_cap(self):
        stack = _stack.format_stack(caught(wrap, 7), max_bytes=150)
        self.assertLessEqual(len(stack.encode("utf-8")), 150)
        self.assertTrue(stack.endswith("\n"))
        self.assertTrue(stack.startswith('  File "'))

    def test_a_multi_line_cause_message_stays_on_one_line(self):
        try:
            try:
                raise ValueError("line one\nline two")
            except ValueError as e:
                raise KeyError("outer") from e
        except KeyError as e:
            stack = _stack.format_stack(e)
        self.assertIn("Caused by: ValueError: line one line two\n", stack)

    def test_type_names_as_python_prints_them(self):
        self.assertEqual(_stack.type_name(ValueError), "ValueError")
        self.assertEqual(_stack.type_name(json.JSONDecodeError), "json.decoder.JSONDecodeError")
        self.assertEqual(_stack.type_name(PaymentDeclined), "tests.test_stack.PaymentDeclined")
        main_type = type("Local", (Exception,), {"__module__": "__main__"})
        self.assertEqual(_stack.type_name(main_type), "Local")

    def test_a_cycle_in_the_chain_ends(self):
        a, b = ValueError("a"), ValueError("b")
        a.__cause__, b.__cause__ = b, a
        self.assertEqual(_stack.format_stack(a).count("Caused by"), 1)


if __name__ == "__main__":
    unittest.main()
