import time, json
from typing import Any
from tests.browser.test_settings_page import *  # noqa

def test_dbg(open_sandbox, demo_backend, page_errors):
    demo_backend.configure(long_poll_seconds=0.3)
    page = open_sandbox()
    time.sleep(3)
    reqs = page.evaluate("window.__sandbox.requests.map(function(r){return [JSON.parse(r.data.json).content.method, r.state, r.textStatus, r.status]})")
    print(reqs)
    print([ (r.method, r.status_code, r.fault) for r in demo_backend.requests])
    print(page.evaluate("window.__sandbox.errors"))
