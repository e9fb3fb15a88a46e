"""The package must run on Python 3.8: no newer syntax, no annotations that 3.8 cannot evaluate, and
nothing but the standard library at run time."""
import ast
import os
import sys
import unittest

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bloop")
NEW_GENERICS = {"list", "dict", "tuple", "set", "frozenset", "type"}
ALLOWED_IMPORTS = {"bloop", "flask", "django"}  # the framework modules import their framework when used


def sources():
    for root, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    yield path, f.read()


def evaluated_annotations(tree):
    """Annotations 3.8 evaluates: function signatures, module/class-level variables."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            for a in args.args + args.kwonlyargs + getattr(args, "posonlyargs", []) + [args.vararg, args.kwarg]:
                if a is not None and a.annotation is not None:
                    yield a.annotation
            if node.returns is not None:
                yield node.returns
    for body_owner in [tree] + [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        for stmt in body_owner.body:
            if isinstance(stmt, ast.AnnAssign):
                yield stmt.annotation


class Python38Test(unittest.TestCase):
    def test_syntax_is_python_3_8(self):
        for path, src in sources():
            with self.subTest(path):
                ast.parse(src, path, feature_version=(3, 8))

    def test_no_annotation_needs_a_newer_python(self):
        for path, src in sources():
            for annotation in evaluated_annotations(ast.parse(src)):
                for node in ast.walk(annotation):
                    with self.subTest(path, line=getattr(node, "lineno", 0)):
                        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                            self.assertNotIn(node.value.id, NEW_GENERICS)
                        self.assertFalse(isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr))

    def test_only_the_standard_library_is_imported(self):
        stdlib = getattr(sys, "stdlib_module_names", None)
        if stdlib is None:
            self.skipTest("sys.stdlib_module_names needs Python 3.10")
        for path, src in sources():
            for node in ast.walk(ast.parse(src)):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    with self.subTest(path, module=name):
                        self.assertTrue(top in stdlib or top in ALLOWED_IMPORTS, name)


if __name__ == "__main__":
    unittest.main()
