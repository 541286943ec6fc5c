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
    def settle(self):
        for _ in range(400):
            r = self.call("Runtime.evaluate", expression="window.JTAI && JTAI.ready === true", returnByValue=True)
            if r["result"].get("value"):
                return
            time.sleep(0.05)
        fail("the page did not settle")

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
        if expression.startswith(("document.getElementById('match-count')", "document.querySelectorAll('#authority-table li")):
            self.settle()
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


VISIBLE_ROWS = ("Array.from(document.querySelectorAll('#authority-table tbody tr.authority'))"
                ".map(r => r.querySelector('.name').textContent)")
COUNT = "document.getElementById('match-count').textContent"
HITS = "document.querySelectorAll('#authority-table li.hit').length"
MARKS = "Array.from(document.querySelectorAll('#authority-table li.hit mark')).map(m => m.textContent.toLowerCase())"


def static_checks(html, data_dir):
    check('<meta name="viewport" content="width=device-width, initial-scale=1">' in html, "no viewport meta")
    check(not re.search(r'<(script|img|iframe|link|source|video|audio)[^>]+(src|href)=["\']?(https?:)?//', html, re.I),
          "the page loads something from the network")
    check("@import" not in html and "url(http" not in html, "CSS fetches something")
    check("window.__pwned" not in html and "<img src=x" not in html, "PDF text reached the page itself")
    for name in ("jtai_summary.xlsx", "summary.csv", "inspections.csv", "findings.csv", "changes.csv", "jtai.json"):
        check(f'href="{name}"' in html, f"no relative link to {name}")
    check('<script src="index_data/inspections.js"></script>' in html, "the page does not load its data file")
    data = open(os.path.join(data_dir, "inspections.js"), encoding="utf-8").read()
    check(data.isascii(), "the data file is not ASCII-escaped")
    parts = sorted(f for f in os.listdir(data_dir) if f.startswith("findings-"))
    check(parts == ["findings-0001.js"], f"data parts: {parts}")
    check(f"JTAI.partCount={len(parts)};" in data, "partCount does not match the files")


def select(dt, ident, value):
    dt.js(f"var s=document.getElementById('{ident}');s.value={json.dumps(value)};"
          "s.dispatchEvent(new Event('change'));true")
    check(dt.js(f"document.getElementById('{ident}').value") == value, f"{ident} has no option {value!r}")


def settle(dt):
    """Waits until the page has applied the last input and drawn what is open (JTAI.ready)."""
    for _ in range(400):
        if dt.js("window.JTAI && JTAI.ready === true"):
            return
        time.sleep(0.05)
    fail("the page did not settle")


def names(dt):
    settle(dt)
    return [n.strip() for n in dt.js(VISIBLE_ROWS)]


def open_row(dt, urn):
    settle(dt)
    dt.js(f"var b=document.querySelector('tr.authority[data-urn=\"{urn}\"] button.open');"
          "if(b.getAttribute('aria-expanded')!=='true')b.click(); true")
    for _ in range(100):
        if dt.js(f"!!document.querySelector('tr.detail[data-urn=\"{urn}\"] .inspection')"):
            return
        time.sleep(0.05)
    fail(f"the inspections of {urn} did not open")


def main(index, shots, work):
    static_checks(open(index, encoding="utf-8").read(), os.path.join(os.path.dirname(index), "index_data"))
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
        dt.call("Runtime.enable")
        dt.call("Emulation.setDeviceMetricsOverride", width=1200, height=1500, deviceScaleFactor=1, mobile=False)
        url = "file://" + os.path.abspath(index)
        dt.call("Page.navigate", url=url)
        dt.wait_event("Page.loadEventFired")

        check(names(dt) == [w["name"] for w in E.SUMMARY], f"rows before search: {names(dt)}")
        check(dt.js(COUNT) == "3 of 3 authorities", f"count text: {dt.js(COUNT)!r}")
        check(dt.js("typeof window.__pwned") == "undefined", "text from a PDF ran as script")
        check(dt.js("document.querySelectorAll('#chart-svg rect').length") == 4, "the chart does not show 4 inspections")

        # Typing filters the table: by name, then by a word only inside an inspection's findings.
        dt.js("document.getElementById('search').focus(); true")
        dt.type_text("norf")
        check(names(dt) == ["Norfolk"], f"rows after typing 'norf': {names(dt)}")
        check(dt.js(COUNT).startswith("1 of 3 authorities"), f"count after search: {dt.js(COUNT)!r}")
        dt.clear_search()
        check(len(names(dt)) == 3, "clearing the search shows every row")
        dt.type_text("toolkit")
        check(names(dt) == ["Barnsley"], f"rows after typing 'toolkit' (a 2017 strength): {names(dt)}")
        check(dt.js(COUNT) == "1 of 3 authorities · 1 matching finding", f"count: {dt.js(COUNT)!r}")
        check(dt.js("document.querySelector('tr.authority .hits').textContent").strip() == "1 matching",
              "the row does not say how many findings matched")
        check(dt.js("document.querySelectorAll('#chart-svg rect').length") == 1, "the chart ignores the search")
        open_row(dt, 80426)
        check(dt.js(HITS) == 1 and dt.js(MARKS) == ["toolkit"], f"highlights: {dt.js(HITS)} {dt.js(MARKS)}")
        # The opened inspections take the table's whole width.
        widths = dt.js("[document.querySelector('tr.detail td').getBoundingClientRect().width,"
                       "document.getElementById('authority-table').getBoundingClientRect().width]")
        check(widths[0] >= widths[1] - 2, f"the opened inspection is {widths[0]}px of {widths[1]}px")
        dt.clear_search()

        # Two words, both in one finding: every finding with both is marked.
        dt.type_text("police health")
        check(names(dt) == ["Barnsley"], f"rows for 'police health': {names(dt)}")
        check(dt.js(COUNT) == "1 of 3 authorities · 1 matching finding", f"count: {dt.js(COUNT)!r}")
        check(dt.js(HITS) == 1 and sorted(set(dt.js(MARKS))) == ["health", "police"], f"marks: {dt.js(MARKS)}")
        dt.screenshot(os.path.join(shots, "export_search.png"))
        dt.clear_search()

        # Filters: region, focus, section (with a search), and the chart follows them.
        select(dt, "f-region", "East of England")
        check(names(dt) == ["Norfolk"], f"region filter: {names(dt)}")
        check(dt.js("document.querySelectorAll('#chart-svg rect').length") == 1, "the chart ignores the region")
        select(dt, "f-region", "")
        select(dt, "f-focus", "neglect")
        check(names(dt) == ["Barnsley"], f"focus filter: {names(dt)}")
        check(dt.js("document.querySelector('tr.authority td:nth-child(5)').textContent") == "1",
              "the focus filter does not narrow the inspections")
        select(dt, "f-focus", "")
        select(dt, "f-section", "strength")
        check(dt.js(COUNT) == "3 of 3 authorities · 8 matching findings", f"strengths: {dt.js(COUNT)!r}")
        dt.js("document.getElementById('search').focus(); true")
        dt.type_text("well")
        check(dt.js(COUNT) == "1 of 3 authorities · 3 matching findings", f"strengths with 'well': {dt.js(COUNT)!r}")
        dt.clear_search()
        select(dt, "f-section", "priority_action")
        check(names(dt) == ["Barnsley"], f"section filter: {names(dt)}")
        select(dt, "f-section", "")
        check(dt.js("document.getElementById('f-round').options.length") >= 1, "no round filter")
        agencies = dt.js("Array.from(document.getElementById('f-agency').options).map(o => o.value)")
        check(agencies == ["", "children's social care", "health", "police"], f"agency options {agencies}")
        select(dt, "f-round", "2018-domestic-abuse")
        check(names(dt) == ["Norfolk"], f"round filter: {names(dt)}")
        select(dt, "f-round", "")
        select(dt, "f-agency", "health")
        check(names(dt) == ["Barnsley"], f"agency filter: {names(dt)}")
        check(dt.js(COUNT) == "1 of 3 authorities · 2 matching findings", f"agency health: {dt.js(COUNT)!r}")
        select(dt, "f-section", "improvement")
        check(dt.js(COUNT) == "1 of 3 authorities · 1 matching finding", f"health improvements: {dt.js(COUNT)!r}")
        open_row(dt, 80426)
        tags = dt.js("Array.from(document.querySelectorAll('#authority-table li.hit .tag')).map(t => t.textContent)")
        check(tags == ["Health", "agency: health"], f"the marked finding's tags {tags}")
        dt.screenshot(os.path.join(shots, "export_filters.png"))
        select(dt, "f-section", "")
        select(dt, "f-agency", "")

        # The chart switches to regions.
        dt.js("document.querySelector('input[name=chart-mode][value=region]').click(); true")
        labels = dt.js("Array.from(document.querySelectorAll('#chart-svg text')).map(t => t.textContent)")
        for region in ("East of England", "Yorkshire and the Humber", "unknown"):
            check(region in labels, f"by-region chart lacks {region}: {labels}")
        dt.js("document.getElementById('chart').scrollIntoView(); true")
        dt.screenshot(os.path.join(shots, "export_chart_region.png"))
        dt.js("document.querySelector('input[name=chart-mode][value=year]').click(); true")

        # Sorting by the latest letter date, both ways.
        dt.js("document.querySelectorAll('#authority-table thead button')[2].click(); true")
        check(names(dt) == ["Norfolk", "Barnsley", "Nowhere & Elsewhere Council"], f"ascending by date: {names(dt)}")
        dt.js("document.querySelectorAll('#authority-table thead button')[2].click(); true")
        check(names(dt) == ["Nowhere & Elsewhere Council", "Barnsley", "Norfolk"], f"descending by date: {names(dt)}")

        # The headline of Barnsley's latest inspection reads back as text, not HTML.
        headline = dt.js("Array.from(document.querySelectorAll('tr.detail[data-urn=\"80426\"] p'))"
                         ".map(p => p.textContent).find(t => t.startsWith('Leaders'))")
        check(headline == E.HTML_HEADLINE, f"headline text in the page: {headline!r}")
        check(dt.js("typeof window.__pwned") == "undefined", "text from a PDF ran as script")
        check(dt.js("document.querySelectorAll('img').length") == 0, "text from a PDF became an element")

        # An anchor opens the authority: #urn-<URN>.
        dt.call("Page.navigate", url="about:blank")
        dt.wait_event("Page.loadEventFired")
        dt.call("Page.navigate", url=url + "#urn-80418")
        dt.wait_event("Page.loadEventFired")
        for _ in range(100):
            if dt.js("!!document.querySelector('tr.detail[data-urn=\"80418\"] .inspection')"):
                break
            time.sleep(0.05)
        check(dt.js("!!document.querySelector('tr.detail[data-urn=\"80418\"] .inspection')"), "#urn-80418 did not open Norfolk")
        check(dt.js("!!document.getElementById('urn-80418')"), "no element with id urn-80418")

        # A phone: no sideways scrolling of the page itself.
        dt.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
        dt.call("Page.navigate", url=url)
        dt.wait_event("Page.loadEventFired")
        width = dt.js("document.documentElement.scrollWidth")
        check(width <= 392, f"page is {width}px wide on a 390px phone")
        table_width = dt.js("document.getElementById('authority-table').getBoundingClientRect().width")
        check(table_width <= 390, f"the table is {table_width}px wide on a 390px phone")
        dt.js("document.getElementById('search').focus(); true")
        dt.type_text("E10000020")
        dt.settle()
        shown = dt.js("Array.from(document.querySelectorAll('#authority-table tbody tr.authority'))"
                      ".filter(r => r.offsetHeight > 0).length")
        check(shown == 1, f"{shown} rows take space on the phone after searching a code")
        dt.clear_search()
        open_row(dt, 80426)
        dt.js("document.getElementById('explore').scrollIntoView(); true")
        width = dt.js("document.documentElement.scrollWidth")
        check(width <= 392, f"page is {width}px wide on a phone with an inspection open")
        dt.screenshot(os.path.join(shots, "export_phone.png"))

        errors = [e for e in dt.events if e.get("method") == "Runtime.exceptionThrown"]
        check(not errors, f"page errors: {errors[:1]}")
        fetched = [e["params"]["request"]["url"] for e in dt.events if e.get("method") == "Network.requestWillBeSent"]
        remote = [u for u in fetched if not u.startswith(("file:", "data:", "about:"))]
        check(not remote, f"the page fetched {remote}")
        print(f"html: ok (search with highlights and counts, filters, chart by year and region, sort, anchors, "
              f"full-width details, escaping, phone width {width}px, no network; screenshots in {shots})")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
