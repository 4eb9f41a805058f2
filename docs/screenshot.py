"""Take docs/graph.png: the seed graph's page in headless Chromium, searched for Zipformer.

    python docs/screenshot.py            # needs /usr/bin/chromium and playwright
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from playwright.sync_api import sync_playwright

    from graphx import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        result = pipeline.build([ROOT.parent / "shared" / "seeds"], out=tmp, exports=("html",))
        page_path = result.outputs[0]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1500, "height": 900})
            page.goto(page_path.as_uri())
            page.wait_for_function("window.graphxReady === true")
            page.fill("#search", "Zipformer")
            page.press("#search", "Enter")
            page.wait_for_timeout(800)  # the focus animation
            page.screenshot(path=str(ROOT / "docs" / "graph.png"))
            browser.close()
    print(ROOT / "docs" / "graph.png")


if __name__ == "__main__":
    main()
