"""A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (no extra package).

Chromium reads NUL-terminated JSON commands from file descriptor 3 and writes
NUL-terminated JSON replies and events to descriptor 4. The browser is started
through ``bash -c 'exec … 3<&R 4>&W'`` (dash takes single-digit descriptors only) so the two pipe ends land on 3 and 4.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time

from gep.report.pdf import browser_args


def _high(fd: int) -> int:
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return new


class Browser:
    def __init__(self, browser: str):
        self.profile = tempfile.TemporaryDirectory(prefix="gep-cdp-")
        cmd_r, self._cmd_w = os.pipe()      # we write commands; chromium reads fd 3
        self._out_r, out_w = os.pipe()      # chromium writes fd 4; we read
        # the child's ends move above 10 first, so "3<&R 4>&W" never reads a descriptor it has just replaced
        cmd_r, out_w = (_high(fd) for fd in (cmd_r, out_w))
        args = browser_args(browser, self.profile.name) + ["--remote-debugging-pipe", "about:blank"]
        shell = f'exec "$@" 3<&{cmd_r} 4>&{out_w}'
        self.proc = subprocess.Popen(["bash", "-c", shell, "bash", *args], pass_fds=(cmd_r, out_w),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(out_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def _read_message(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from the browser")
            ready, _, _ = select.select([self._out_r], [], [], left)
            if ready:
                chunk = os.read(self._out_r, 1 << 20)
                if not chunk:
                    raise RuntimeError("the browser closed the pipe")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read_message(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, timeout: float = 60) -> dict:
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ev = self._read_message(deadline - time.monotonic())
            self.events.append(ev)
            if ev.get("method") == method:
                return ev
        raise TimeoutError(method)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_w)
        os.close(self._out_r)
        self.profile.cleanup()


def load_page(browser: str, url: str, *, width: int = 1000, height: int = 1400) -> dict:
    """Open ``url``; return console errors, exceptions, failed requests, image states and a full-page PNG."""
    import base64

    b = Browser(browser)
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            b.send(f"{domain}.enable", session=session)
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        b.send("Page.navigate", {"url": url}, session=session)
        b.wait_event("Page.loadEventFired", timeout=120)
        images = b.send("Runtime.evaluate", {"expression": (
            "JSON.stringify(Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, "
            "w: i.naturalWidth, h: i.naturalHeight})))"), "returnByValue": True}, session=session)
        fonts = b.send("Runtime.evaluate", {"expression": (
            "document.fonts.ready.then(() => JSON.stringify(Array.from(document.fonts).map(f => [f.family, f.status])))"),
            "awaitPromise": True, "returnByValue": True}, session=session)
        text = b.send("Runtime.evaluate", {"expression": "document.body.innerText", "returnByValue": True},
                      session=session)
        shot = b.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
        errors = []
        for ev in b.events:
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append(("console", str(p.get("args"))))
            elif m == "Runtime.exceptionThrown":
                errors.append(("exception", str(p.get("exceptionDetails"))))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                errors.append(("log", p["entry"].get("text")))
            elif m == "Network.loadingFailed":
                errors.append(("network", str(p)))
        requests = [ev["params"]["request"]["url"][:40] for ev in b.events
                    if ev.get("method") == "Network.requestWillBeSent"]
        return {"errors": errors, "images": json.loads(images["result"]["value"]),
                "fonts": json.loads(fonts["result"]["value"]), "text": text["result"]["value"],
                "png": base64.b64decode(shot["data"]), "requests": requests}
    finally:
        b.close()
