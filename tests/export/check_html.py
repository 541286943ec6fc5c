#!/usr/bin/python3
"""Loads an export's index.html in headless Chromium (Debian's /usr/bin/chromium),
types into the search box, checks that the table filters, sorts, expands an
inspection, that nothing is fetched from the network and that PDF text is not
run as HTML; saves a desktop and a phone screenshot.

Drives Chromium over the DevTools protocol with a small WebSocket client on
the standard library only. Usage: check_html.py INDEX_HTML SHOT_DIR WORK_DIR"""
import base64
import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected as E  # noqa: E402


def fail(msg):
    print("html: FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class WebSocket:
    """Just enough RFC 6455 for a DevTools session: text frames, client masking."""

    def __init__(self, host, port, path):
        self.sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            check(chunk, "DevTools closed the WebSocket handshake")
            head += chunk
        check(head.split(b"\r\n", 1)[0].split()[1] == b"101", f"WebSocket handshake: {head[:80]!r}")
        self.buffer = head.split(b"\r\n\r\n", 1)[1]

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            check(chunk, "DevTools closed the WebSocket")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def send(self, text):
        data = text.encode()
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                fail("DevTools closed the WebSocket")
            if opcode in (0, 1, 2):
                message += payload
                if b0 & 0x80:
                    return message.decode()


class DevTools:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                check("error" not in msg, f"{method}: {msg.get('error')}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_event(self, method, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(json.loads(self.ws.recv()))
        fail(f"no {method} event")

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        check("exceptionDetails" not in r, f"page script failed: {expression}: {r.get('exceptionDetails')}")
        return r["result"].get("value")

    def type_text(self, text):
        for ch in text:
            self.call("Input.dispatchKeyEvent", type="keyDown", key=ch, text=ch, unmodifiedText=ch)
            self.call("Input.dispatchKeyEvent", type="keyUp", key=ch)

    def clear_search(self):
        self.js("document.getElementById('search').focus(); document.getElementById('search').select(); true")
        self.call("Input.dispatchKeyEvent", type="rawKeyDown", key="Backspace", code="Backspace",
                  windowsVirtualKeyCode=8)
        self.call("Input.dispatchKeyEvent", type="keyUp", key="Backspace", code="Backspace", windowsVirtualKeyCode=8)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


VISIBLE_ROWS = ("Array.from(document.querySelectorAll('#authority-table tbody tr'))"
                ".filter(r => !r.hidden).map(r => r.cells[0].firstChild.textContent)")


def static_checks(html):
    check('<meta name="viewport" content="width=device-width, initial-scale=1">' in html, "no viewport meta")
    check(not re.search(r'<(script|img|iframe|link|source|video|audio)[^>]+(src|href)=["\']?(https?:)?//', html, re.I),
          "the page loads something from the network")
    check("@import" not in html and "url(http" not in html, "CSS fetches something")
    check("<script>window.__pwned" not in html and "<img src=x" not in html, "PDF text reached the page unescaped")
    check("&lt;script&gt;window.__pwned=2&lt;/script&gt;" in html, "escaped headline missing")
    for name in ("jtai_summary.xlsx", "summary.csv", "inspections.csv", "findings.csv", "jtai.json"):
        check(f'href="{name}"' in html, f"no relative link to {name}")
    check("<svg" in html and "<rect" in html, "no inline SVG chart")


def main(index, shots, work):
    static_checks(open(index, encoding="utf-8").read())
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    check(os.path.exists(chromium), "chromium is not installed (Debian package chromium)")
    profile = os.path.join(work, "profile")
    os.makedirs(profile, exist_ok=True)
    os.makedirs(shots, exist_ok=True)
    proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                             "--no-first-run", "--disable-background-networking", "--disable-component-update",
                             "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                             "--disable-dev-shm-usage",
                             f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "--remote-allow-origins=*", "--window-size=1200,1000", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "chromium.log"), "w"),
                            env=dict(os.environ, HOME=work, XDG_CONFIG_HOME=work, XDG_CACHE_HOME=work))
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        end = time.time() + 60
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            check(proc.poll() is None, f"chromium exited with {proc.returncode}; see {work}/chromium.log")
            check(time.time() < end, "chromium did not open its DevTools port")
            time.sleep(0.2)
        port = int(open(port_file).read().split("\n")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/json/list")
        pages = [t for t in json.loads(conn.getresponse().read()) if t["type"] == "page"]
        check(pages, "no page target")
        ws_path = "/" + pages[0]["webSocketDebuggerUrl"].split("/", 3)[3]
        dt = DevTools(WebSocket("127.0.0.1", port, ws_path))
        dt.call("Network.enable")
        dt.call("Page.enable")
        dt.call("Emulation.setDeviceMetricsOverride", width=1200, height=1500, deviceScaleFactor=1, mobile=False)
        dt.call("Page.navigate", url="file://" + os.path.abspath(index))
        dt.wait_event("Page.loadEventFired")

        names = [n.strip() for n in dt.js(VISIBLE_ROWS)]
        check(names == [w["name"] for w in E.SUMMARY], f"rows before search: {names}")
        check(dt.js("document.getElementById('match-count').textContent") == "3 of 3 authorities", "count text")
        check(dt.js("typeof window.__pwned") == "undefined", "text from a PDF ran as script")
        check(dt.js("document.querySelectorAll('img').length") == 0, "text from a PDF became an element")

        # Typing filters the table: by name, then by a word only inside an inspection's findings.
        dt.js("document.getElementById('search').focus(); true")
        dt.type_text("norf")
        names = [n.strip() for n in dt.js(VISIBLE_ROWS)]
        check(names == ["Norfolk"], f"rows after typing 'norf': {names}")
        check(dt.js("document.getElementById('match-count').textContent") == "1 of 3 authorities", "count after search")
        dt.clear_search()
        check(len(dt.js(VISIBLE_ROWS)) == 3, "clearing the search shows every row")
        dt.type_text("toolkit")
        names = [n.strip() for n in dt.js(VISIBLE_ROWS)]
        check(names == ["Barnsley"], f"rows after typing 'toolkit' (a 2017 strength): {names}")
        dt.clear_search()

        # Sorting by the latest letter date, both ways.
        dt.js("document.querySelectorAll('#authority-table thead button')[2].click(); true")
        names = [n.strip() for n in dt.js(VISIBLE_ROWS)]
        check(names == ["Norfolk", "Barnsley", "Nowhere & Elsewhere Council"], f"ascending by date: {names}")
        dt.js("document.querySelectorAll('#authority-table thead button')[2].click(); true")
        names = [n.strip() for n in dt.js(VISIBLE_ROWS)]
        check(names == ["Nowhere & Elsewhere Council", "Barnsley", "Norfolk"], f"descending by date: {names}")

        # Expand Barnsley's latest inspection and read the escaped headline back as text.
        dt.js("document.getElementById('search').focus(); true")
        dt.type_text("barnsley")
        dt.js("document.querySelector('tr[data-urn=\"80426\"] details summary').click(); true")
        check(dt.js("document.querySelector('tr[data-urn=\"80426\"] details').open") is True, "details did not open")
        headline = dt.js("Array.from(document.querySelectorAll('tr[data-urn=\"80426\"] details p'))"
                         ".map(p => p.textContent).find(t => t.startsWith('Leaders'))")
        check(headline == E.HTML_HEADLINE, f"headline text in the page: {headline!r}")
        dt.screenshot(os.path.join(shots, "export_search.png"))

        # A phone: no sideways scrolling of the page itself.
        dt.clear_search()
        dt.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
        dt.call("Page.reload")
        dt.wait_event("Page.loadEventFired")
        width = dt.js("document.documentElement.scrollWidth")
        check(width <= 392, f"page is {width}px wide on a 390px phone")
        table_width = dt.js("document.getElementById('authority-table').getBoundingClientRect().width")
        check(table_width <= 390, f"the table is {table_width}px wide on a 390px phone")
        dt.js("document.getElementById('search').focus(); true")
        dt.type_text("E10000020")
        shown = dt.js("Array.from(document.querySelectorAll('#authority-table tbody tr'))"
                      ".filter(r => r.offsetHeight > 0).length")
        check(shown == 1, f"{shown} rows take space on the phone after searching a code")
        dt.clear_search()
        dt.js("document.querySelector('tr[data-urn=\"80426\"] details summary').click();"
              "document.getElementById('authorities').scrollIntoView(); true")
        dt.screenshot(os.path.join(shots, "export_phone.png"))

        fetched = [e["params"]["request"]["url"] for e in dt.events if e.get("method") == "Network.requestWillBeSent"]
        remote = [u for u in fetched if not u.startswith(("file:", "data:", "about:"))]
        check(not remote, f"the page fetched {remote}")
        print(f"html: ok (search, full-text search, sort, details, escaping, phone width {width}px, "
              f"no network; screenshots in {shots})")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
