"""`import gradio` for the server: no stub rewriting, pandas only when used, no per-event matplotlib search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_gradio_is_imported_without_stub_rewriting_or_pandas():
    found = _run(
        "import importlib.util, json, sys\n"
        "from ui.gradio_import import import_gradio, _no_stub\n"
        "gr = import_gradio()\n"
        "import gradio.caching, gradio.component_meta as meta\n"
        "before = 'pandas' in sys.modules\n"
        "spec = importlib.util.find_spec('pandas')\n"
        "frame = gradio.caching.pd.DataFrame\n"  # gradio's own use of pandas still works: the real module loads
        "import pandas\n"
        "print(json.dumps({'gradio': gr is sys.modules['gradio'], 'stub': meta.create_or_modify_pyi is _no_stub,\n"
        "  'pandas_before': before, 'spec': spec is not None, 'frame': frame is pandas.DataFrame,\n"
        "  'real': type(pandas).__name__, 'blocks': hasattr(gr, 'Blocks')}))\n"
    )
    assert found == {"gradio": True, "stub": True, "pandas_before": False, "spec": True, "frame": True,
                     "real": "module", "blocks": True}


def test_background_import_is_the_one_later_callers_get():
    found = _run(
        "import json, sys\n"
        "from ui import gradio_import\n"
        "thread = gradio_import.import_in_background()\n"
        "again = gradio_import.import_in_background()\n"
        "gr = gradio_import.import_gradio()\n"  # waits for the thread rather than importing a second time
        "thread.join(60)\n"
        "print(json.dumps({'same_thread': thread is again, 'done': not thread.is_alive(),\n"
        "  'module': gr is sys.modules['gradio'], 'pandas': 'pandas' in sys.modules}))\n"
    )
    assert found == {"same_thread": True, "done": True, "module": True, "pandas": False}


def test_a_missing_module_is_marked_absent_and_an_installed_one_is_not(monkeypatch):
    from ui import gradio_import

    monkeypatch.delitem(sys.modules, "no_such_module_here", raising=False)
    monkeypatch.delitem(sys.modules, "json", raising=False)
    gradio_import.mark_absent(("no_such_module_here", "json"))
    try:
        assert sys.modules["no_such_module_here"] is None
        with pytest.raises(ModuleNotFoundError):
            import no_such_module_here  # noqa: F401
        assert "json" not in sys.modules  # installed: left to be imported as usual
    finally:
        sys.modules.pop("no_such_module_here", None)


def test_a_deferred_module_stands_in_until_used(monkeypatch):
    from ui.gradio_import import DeferredModule

    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    import importlib.machinery

    stand_in = DeferredModule("colorsys", importlib.machinery.PathFinder.find_spec("colorsys"))
    monkeypatch.setitem(sys.modules, "colorsys", stand_in)
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)  # used while still in sys.modules: the real one loads
    assert sys.modules["colorsys"] is not stand_in and type(sys.modules["colorsys"]).__name__ == "module"


@pytest.mark.app
def test_demo_is_built_without_interim_apps():
    from gradio.routes import App

    from ui.app import _no_interim_apps, import_gradio

    gr = import_gradio()
    built = App.__dict__["create_app"]
    with _no_interim_apps(), gr.Blocks() as demo:
        gr.HTML("<p>x</p>")
    with _no_interim_apps():
        demo.queue()
    assert demo.app is None  # launch builds the one it serves
    assert App.__dict__["create_app"] is built
