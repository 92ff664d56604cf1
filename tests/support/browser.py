"""A real headless Chromium driven over the DevTools protocol through a pipe (no port, no extra package).

Chromium started with `--remote-debugging-pipe` reads protocol commands on fd 3 and writes answers and
events on fd 4, one JSON message per NUL-terminated frame. One `Browser` is one Chromium process; the
tests open the page once and run many checks in it (clicks, typing, downloads, reading the Plotly
figures, screenshots), which keeps the suite fast.

Every host name is unresolvable (`--host-resolver-rules`), so the page can only work offline, and
every network request, console message and uncaught exception of the page is recorded for the tests.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing resolves: the page can only work offline
]


class BrowserError(RuntimeError):
    pass


class Browser:
    """One Chromium process with one page; use as a context manager."""

    def __init__(self, binary: str, workdir: Path, width: int = 1400, height: int = 1000) -> None:
        self.workdir = workdir
        self.downloads = workdir / "downloads"
        self.downloads.mkdir(parents=True, exist_ok=True)
        self._stderr = (workdir / "chromium-stderr.txt").open("wb")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()

        def wire_fds() -> None:  # in the child: the protocol's fixed descriptors
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={workdir / 'profile'}",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
            pass_fds=(3, 4), preexec_fn=wire_fds,  # dup2 only, before exec
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._out = os.fdopen(to_chrome_w, "wb", buffering=0)
        self._in = os.fdopen(from_chrome_r, "rb", buffering=0)
        self._next = 0
        self._answers: dict[int, dict] = {}
        self.events: list[dict] = []
        self._cond = threading.Condition()
        self._closed = False
        threading.Thread(target=self._read, daemon=True).start()
        self.session = self._attach()
        for domain in ("Page.enable", "Runtime.enable", "Network.enable"):
            self.send(domain)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Browser.setDownloadBehavior",
                  {"behavior": "allow", "downloadPath": str(self.downloads), "eventsEnabled": True}, browser=True)

    # -- protocol --------------------------------------------------------------------------------

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = self._in.read(1 << 16)
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                frame, buffer = buffer.split(b"\0", 1)
                message = json.loads(frame)
                with self._cond:
                    if "id" in message:
                        self._answers[message["id"]] = message
                    else:
                        self.events.append(message)
                    self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def send(self, method: str, params: dict | None = None, browser: bool = False, timeout: float = 60) -> dict:
        with self._cond:
            self._next += 1
            ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if not browser and getattr(self, "session", None):
            message["sessionId"] = self.session
        self._out.write(json.dumps(message).encode("utf-8") + b"\0")
        with self._cond:
            if not self._cond.wait_for(lambda: ident in self._answers or self._closed, timeout):
                raise BrowserError(f"{method}: no answer from Chromium in {timeout} s")
            if ident not in self._answers:
                raise BrowserError(f"{method}: Chromium exited ({self.stderr_tail()})")
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _attach(self) -> str:
        targets = self.send("Target.getTargets", browser=True)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        return self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True},
                         browser=True)["sessionId"]

    def wait_for_event(self, test: Callable[[dict], bool], timeout: float = 60, start: int = 0) -> dict:
        """The first event (from index `start` of `events`) that passes `test`."""
        found: list[dict] = []

        def seen() -> bool:
            found[:] = [e for e in self.events[start:] if test(e)][:1]
            return bool(found)

        with self._cond:
            if not self._cond.wait_for(seen, timeout):
                raise BrowserError(f"no matching event in {timeout} s")
        return found[0]

    def stderr_tail(self) -> str:
        self._stderr.flush()
        return (self.workdir / "chromium-stderr.txt").read_text(errors="replace")[-2000:]

    # -- page ------------------------------------------------------------------------------------

    def open(self, path: Path, timeout: float = 120) -> None:
        """Navigate to a local file and wait for its load event."""
        start = len(self.events)
        self.send("Page.navigate", {"url": path.resolve().as_uri()})
        self.wait_for_event(lambda e: e.get("method") == "Page.loadEventFired", timeout, start)

    def js(self, expression: str, timeout: float = 60) -> Any:
        """Evaluate `expression` in the page (promises awaited) and return its value as JSON data."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True, "timeout": timeout * 1000}, timeout=timeout + 5)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"{expression[:80]}…: {details.get('exception', {}).get('description') or details}")
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout: float = 30) -> Any:
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"still false after {timeout} s: {expression}")
            time.sleep(0.1)

    def type_text(self, selector: str, text: str) -> None:
        """Focus an input and type into it as a keyboard would (Input.insertText fires `input`)."""
        self.js(f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.focus(); el.select(); }})()")
        self.send("Input.insertText", {"text": text})

    def download(self, selector: str, timeout: float = 30) -> Path:
        """Click the link `selector` and wait for Chromium to finish saving the file; return its path."""
        start = len(self.events)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")
        begun = self.wait_for_event(lambda e: e.get("method") == "Browser.downloadWillBegin", timeout, start)
        guid = begun["params"]["guid"]
        done = self.wait_for_event(
            lambda e: e.get("method") == "Browser.downloadProgress" and e["params"].get("guid") == guid
            and e["params"].get("state") in ("completed", "canceled"), timeout, start)
        if done["params"]["state"] != "completed":
            raise BrowserError(f"download of {selector} was canceled")
        return self.downloads / begun["params"]["suggestedFilename"]

    def screenshot(self, path: Path, width: int = 1400, max_height: int = 16000) -> tuple[int, int]:
        """A PNG of the whole page (up to `max_height` pixels tall); return its size."""
        height = min(int(self.js("document.documentElement.scrollHeight")), max_height)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.5)  # let responsive Plotly charts relayout to the new viewport
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False}, timeout=120)
        path.write_bytes(base64.b64decode(shot["data"]))
        return width, height

    def screenshot_element(self, selector: str, path: Path, pad: int = 6) -> tuple[int, int]:
        """A PNG of one element of the page (scrolled out of view or not); return its size."""
        box = self.js(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect(); "
            "return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]; })()"
        )
        x, y = max(0, box[0] - pad), max(0, box[1] - pad)
        clip = {"x": x, "y": y, "width": box[2] + 2 * pad, "height": box[3] + 2 * pad, "scale": 1}
        shot = self.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True},
                         timeout=120)
        path.write_bytes(base64.b64decode(shot["data"]))
        return int(clip["width"]), int(clip["height"])

    # -- what the page did ----------------------------------------------------------------------

    def console(self) -> list[str]:
        """Every console message and uncaught exception of the page so far."""
        lines = []
        for event in self.events:
            method = event.get("method")
            if method == "Runtime.consoleAPICalled":
                args = event["params"].get("args", [])
                lines.append(f"console.{event['params'].get('type')}: "
                             + " ".join(str(a.get("value", a.get("description", ""))) for a in args))
            elif method == "Runtime.exceptionThrown":
                details = event["params"]["exceptionDetails"]
                lines.append(f"Uncaught: {details.get('exception', {}).get('description') or details.get('text')}")
        return lines

    def network_requests(self) -> list[str]:
        """URLs of every request the page made that would leave the machine (not file:, blob: or data:)."""
        urls = []
        for event in self.events:
            if event.get("method") == "Network.requestWillBeSent":
                url = event["params"]["request"]["url"]
                if not url.startswith(("file:", "blob:", "data:")):
                    urls.append(url)
        return urls

    # -- lifetime --------------------------------------------------------------------------------

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close", browser=True, timeout=10)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for stream in (self._out, self._in, self._stderr):
            with contextlib.suppress(OSError):
                stream.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
