"""Screenshots of the web page for docs/server.md, taken as a user would see it: `bayling-local serve` with
the built-in model, Debian's chromium (headless) through Selenium.

    python scripts/web_screenshots.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

SENTENCE = "The weather is nice today, so we are going to the beach.\nDon't forget the sunscreen!"
NOTES = "# Trip notes\n\nMeet at the **station** at nine.\n\n- Bring water\n- Bring a hat\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "bayling-local"), "serve", "-m", "builtin", "--port", str(port)],
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url)
        with tempfile.TemporaryDirectory() as work:
            shoot(url, out, Path(work))
    finally:
        server.terminate()
        server.wait(timeout=60)


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise SystemExit("the server did not become healthy")


def browser(width: int, height: int, downloads: Path) -> Any:
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService("/usr/bin/chromedriver"))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver


def until(condition: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.1)


def shoot(url: str, out: Path, work: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    desktop = browser(1280, 860, work)
    element = lambda ident: desktop.find_element(By.ID, ident)  # noqa: E731 - a short local helper
    try:
        desktop.get(url + "/")
        until(lambda: len(Select(element("target-lang")).options) == 205)
        Select(element("target-lang")).select_by_value("fra_Latn")
        element("source-text").send_keys(SENTENCE)
        element("translate-button").click()
        until(lambda: element("translation-status").text == "Done.")
        desktop.save_screenshot(str(out / "web-text.png"))

        Select(element("target-lang")).select_by_value("arb_Arab")
        element("translate-button").click()
        until(lambda: element("translation-status").text == "Done.")
        desktop.save_screenshot(str(out / "web-rtl.png"))

        notes = work / "trip.md"
        notes.write_text(NOTES, encoding="utf-8")
        Select(element("target-lang")).select_by_value("deu_Latn")
        element("tab-files").click()
        element("file-input").send_keys(str(notes))
        element("file-translate-button").click()
        until(lambda: element("file-download").is_displayed())
        desktop.save_screenshot(str(out / "web-documents.png"))
    finally:
        desktop.quit()
    phone = browser(390, 844, work)
    try:
        phone.get(url + "/")
        until(lambda: len(Select(phone.find_element(By.ID, "target-lang")).options) == 205)
        Select(phone.find_element(By.ID, "target-lang")).select_by_value("spa_Latn")
        phone.find_element(By.ID, "source-text").send_keys("Where is the train station?")
        phone.find_element(By.ID, "translate-button").click()
        until(lambda: phone.find_element(By.ID, "translation-status").text == "Done.")
        phone.execute_script("window.scrollTo(0, 0)")
        phone.save_screenshot(str(out / "web-phone.png"))
    finally:
        phone.quit()
    print(f"screenshots in {out}: web-text.png web-rtl.png web-documents.png web-phone.png")


if __name__ == "__main__":
    main()
