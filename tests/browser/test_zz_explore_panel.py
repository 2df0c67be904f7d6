from tests.browser.test_call_panel import open_panel, ready, Panel, WAIT_MS, USER_ID, expect, make_backend, dialogs  # noqa


def test_explore(open_panel, demo_backend):
    panel = open_panel()
    page = panel.page
    ready(page, demo_backend)
    panel.input.focus()
    page.keyboard.type("7916", delay=10)
    expect(panel.option.first).to_be_visible(timeout=WAIT_MS)
    page.keyboard.press("Enter")
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(800)
    print("value", repr(panel.input.input_value()), "options visible", panel.options.is_visible(), panel.option.count())
    print(panel.option_texts()[:3])
    page.screenshot(path="/tmp/panelx/after_enter.png")
    # quick enter within debounce
    demo_backend.remote_hangup(USER_ID)
    expect(panel.call).to_be_hidden(timeout=WAIT_MS)
    page.keyboard.type("7495", delay=10)
    page.keyboard.press("Enter")
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(800)
    print("value", repr(panel.input.input_value()), "options visible", panel.options.is_visible(), panel.option_texts()[:3])
    print([r.params for r in demo_backend.requests_for("get_contacts")])
