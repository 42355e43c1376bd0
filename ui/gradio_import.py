"""`import gradio` for this server, without the work gradio does at import and per event that the app never uses.

Measured on the 2-core machine (`python -X importtime`, cProfile; load average 3-4 from other work, so every figure
is about twice what an idle machine shows): `import gradio` took 7-14 s, the largest part of `assistant serve`'s
time to its first answer.

  - Type stubs: every component class, as it is created, re-reads its own source file, parses it and rewrites the
    `.pyi` stub beside it when they differ (`gradio.component_meta.create_or_modify_pyi`, ~80 classes). The stubs ship
    with the package and only serve editors; here the function does nothing. `import gradio` 13-14 s → 7-8 s.
  - pandas: `gradio.caching` imports it (0.8-1.5 s) to hash DataFrames passed to `gr.Cache`, which this app never
    uses. While gradio is imported, `pandas` is a stand-in that imports the real module on first attribute use, so a
    gradio path that does need it still gets it.
  - matplotlib: gradio imports it twice around every event it runs (`MatplotlibBackendMananger`); where it is not
    installed, each failed import searches the whole `sys.path` again, on the server's event loop (~6% of the
    server's samples under the 40-client load test). Marked as absent once, so the failed import costs nothing.

`import_gradio()` does all of this once per process (ui/app.py calls it in place of `import gradio`);
`import_in_background()` starts it on a thread so that it overlaps loading the report and the index.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types

STUB_MODULE = "gradio.component_meta"
STUB_FUNCTION = "create_or_modify_pyi"
DEFERRED = ("pandas",)  # imported by gradio at import time, used only by features this app does not have
ABSENT_IF_MISSING = ("matplotlib",)  # looked for on every event

_lock = threading.Lock()
_background: threading.Thread | None = None


def _no_stub(*args, **kwargs) -> None:
    """Stands in for gradio's stub writer: the installed package already has its stubs."""


class _SkipStubRewrite(importlib.abc.MetaPathFinder):
    """Finds `gradio.component_meta` as usual and, once it has run, replaces its stub writer."""

    def find_spec(self, name, path=None, target=None):
        if name != STUB_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module):
            run(module)
            if callable(getattr(module, STUB_FUNCTION, None)):
                setattr(module, STUB_FUNCTION, _no_stub)

        loader.exec_module = exec_module
        return spec


class DeferredModule(types.ModuleType):
    """In `sys.modules` only while gradio is imported: a module that imports the real one on first attribute use.

    Its `__spec__` is the real module's, so `importlib.util.find_spec` still answers for it."""

    def __init__(self, name: str, spec) -> None:
        super().__init__(name)
        self.__spec__ = spec

    def __getattr__(self, attr: str):
        name = self.__name__
        if sys.modules.get(name) is self:  # used while gradio is still being imported
            del sys.modules[name]
        return getattr(importlib.import_module(name), attr)


def _defer(names) -> list[str]:
    placed = []
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.machinery.PathFinder.find_spec(name)
        if spec is not None:
            sys.modules[name] = DeferredModule(name, spec)
            placed.append(name)
    return placed


def mark_absent(names=ABSENT_IF_MISSING) -> None:
    """A module that is not installed: `import` of it fails at once instead of searching `sys.path` each time."""
    for name in names:
        if name not in sys.modules and importlib.machinery.PathFinder.find_spec(name) is None:
            sys.modules[name] = None  # the import system's own marker: "import name" raises ModuleNotFoundError


def import_gradio() -> types.ModuleType:
    """The gradio module, imported once per process as described above; safe to call from several threads."""
    module = sys.modules.get("gradio")
    if module is not None and not _importing():
        return module
    with _lock:
        if "gradio" in sys.modules:
            return sys.modules["gradio"]
        mark_absent()
        finder = _SkipStubRewrite()
        sys.meta_path.insert(0, finder)
        placed = _defer(DEFERRED)
        try:
            import gradio
        finally:
            sys.meta_path.remove(finder)
            for name in placed:  # later imports get the real module; gradio keeps the stand-in it holds
                if isinstance(sys.modules.get(name), DeferredModule):
                    del sys.modules[name]
        return gradio


def _importing() -> bool:
    """True while another thread is between `import gradio` and its end (the module is in sys.modules early)."""
    return _lock.locked()


def import_in_background() -> threading.Thread:
    """Start `import_gradio()` on a thread (once); a later `import_gradio()` waits for it and returns its module."""
    global _background
    with _lock:
        if _background is None:
            _background = threading.Thread(target=_import_quietly, name="import-gradio", daemon=True)
            _background.start()
        return _background


def _import_quietly() -> None:
    try:
        import_gradio()
    except BaseException:  # noqa: BLE001 - the caller's own import_gradio() raises it again where it can be reported
        pass
