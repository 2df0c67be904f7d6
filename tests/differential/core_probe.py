"""Runs the widget's functional core on many inputs and returns what it made of them.

The same file runs under CPython and, transpiled with the widget, in a JavaScript engine;
the differential test compares the two outputs. It follows the widget's Transcrypt rules.
"""

from core.agent_status import initial_status, is_agent_status, read_status, same_status
from core.backoff import Backoff, default_backoff
from core.error_table import error_text, status_for_error, status_text, status_tone, text_key
from core.jscompat import (
    AnyError,
    error_message,
    get,
    is_boolean,
    is_integer,
    is_list,
    is_object,
    is_string,
    now_ms,
    parse_json,
)
from core.panel_logic import (
    clamp,
    clock_offset_ms,
    contact_path,
    default_position,
    dial_action,
    elapsed_seconds,
    format_duration,
    move_index,
    read_contacts,
    read_position,
)
from core.phonebook_search import PhonebookSearch
from core.postcall_key import storage_key
from core.postcall_logic import (
    classify,
    contact_payload,
    created_id,
    digits_of,
    due_ms,
    field_name,
    find_contact,
    find_note,
    find_task,
    found_contacts,
    local_text,
    note_payload,
    parse_local,
    task_payload,
)
from core.postcall_outbox import (
    LEASE_MS,
    attempt_key,
    content_of,
    drop_item,
    editable_parts,
    empty_outbox,
    find_call,
    find_item,
    has_content,
    id_key,
    is_done,
    is_ready,
    leased_by_other,
    mark_done,
    may_drop,
    new_item,
    next_step,
    next_wake_ms,
    pending_count,
    prune_drafts,
    prune_stale_drafts,
    put_item,
    queue,
    read_outbox,
    record_answer,
    release,
    retry,
    retry_delay_ms,
    take,
)
from core.protocol import (
    Cancelled,
    MethodException,
    NotResponding,
    build_envelope,
    deadline_ms,
    decode_response,
    encode_form,
    is_server_failure,
    next_request_id,
    request_url,
    status_code,
    transport_error,
)
from core.server_monitor import ServerMonitor, latest_notice
from core.settings import SettingsError, parse_settings, settings_json
from core.settings_form import LatestCheck, SettingsForm, check_action, check_subject, is_absolute_http_url
from core.tab_sync import (
    error_record,
    group_name,
    is_fresh,
    lease_step,
    read_error,
    read_message,
    state_message,
    text_hash,
)

BODIES = [
    ('{"headers": {"status_code": 200, "detail": "success"}, "content": {"jsonrpc": "2.0", "id": 1,'
    ' "result": {"result": {"foo": "bar"}, "exception": null, "exception_params": null}}}'),
    '{"headers": {"status_code": "200"}, "content": {"result": {"result": null}}}',
    '{"headers": {"status_code": 200}, "content": {"result": {"result": [1, 2, {"a": "b"}]}}}',
    ('{"headers": {"status_code": 200}, "content": {"result": {"exception": "E1",'
    ' "exception_params": {"x": 1}}}}'),
    '{"headers": {"status_code": 200}, "content": {"result": {"exception_name": "E2"}}}',
    '{"headers": {"status_code": 200}, "content": {"result": {"result": 5, "exception": "Wins"}}}',
    '{"headers": {"status_code": 200}, "content": {"result": {}}}',
    '{"headers": {"status_code": 200}, "content": {}}',
    '{"headers": {"status_code": 200}}',
    '{"headers": {"status_code": 200}, "content": {"result": "text"}}',
    '{"headers": {"detail": "no status"}}',
    '{"headers": null}',
    '{"content": {"result": {"result": 1}}}',
    '[1, 2]',
    '"just a string"',
    'null',
    '{"headers": {"status_code": 400}}',
    '{"headers": {"status_code": "401", "detail": "bad key"}}',
    '{"headers": {"status_code": 404}}',
    '{"headers": {"status_code": "408"}}',
    '{"headers": {"status_code": 409}}',
    '{"headers": {"status_code": "410"}}',
    '{"headers": {"status_code": 500}}',
    '{"headers": {"status_code": " 404 "}}',
    '{"headers": {"status_code": "4O4"}}',
    '{"headers": {"status_code": true}}',
    '{"headers": {"status_code": 200.0}, "content": {"result": {"result": 1}}}',
    '{"headers": {"status_code": 200.5}}',
]

STATUS_VALUES = ['200', '"200"', '" 201 "', '""', '"abc"', 'true', 'false', 'null', '200.0', '-1', '[200]',
                 '{"a": 1}']

STATUSES = [
    '{"status": "NOT_CONVERSATION"}',
    ('{"status": "CONVERSATION", "call_info": {"unique_id": "1.2", "contact_name": "Rose",'
    ' "contact_id": 4183, "contact_phone": "7916", "is_hold": true, "is_mute": false,'
    ' "timestamp": 1669391112}}'),
    ('{"status": "CONVERSATION", "call_info": {"contact_name": null, "contact_id": "77",'
    ' "contact_phone": 123}}'),
    ('{"status": "CONVERSATION", "call_info": {"contact_id": 3000000000, "contact_phone": 79161234567,'
    ' "timestamp": 1669391112.75}}'),
    '{"status": "CONVERSATION", "call_info": null}',
    '{"status": "CONVERSATION"}',
    '{"status": "RINGING", "call_info": {"contact_phone": "1"}}',
    '{"status": "CONVERSATION", "call_info": {"is_hold": "yes", "timestamp": "1669391112", "extra": [1]}}',
    '{"call_info": {}}',
    '[]',
    'null',
    '"CONVERSATION"',
]

SETTINGS = [
    '{"server": {}, "amocrm": {"postCallCard": false}}',
    '{"amocrm": {"postCallCard": "no"}}',
    ('{"server": {"serverAddress": "https://pbx/asterisk_ng", "secretKey": "k"},'
    ' "amocrm": {"showPanel": false, "enableNotification": true}}'),
    '{"server": {"serverAddress": "  https://pbx/x  ", "secretKey": " key "}}',
    '{}',
    '{"server": null, "amocrm": {"showPanel": "no"}}',
    '{"server": {"serverAddress": 5, "secretKey": true}}',
    '[]',
    '"text"',
    '{broken',
    '',
]

URLS = ['https://pbx/asterisk_ng', 'HTTP://127.0.0.1:8000/x', 'https://', 'ftp://pbx', 'https://a b', 'pbx/x',
        'https://[::1]:8443/ng', 'https://user@host:80', 'https://host:8o', 'https://.host',
        'http://h?q=1#f', '']

VALUES = ['{}', '[]', '"s"', '1', '1.5', 'true', 'null', '{"a": null}']

ADDRESSES = [
    ['https://pbx.example.com/asterisk_ng', 'AsteriskNG'],
    ['https://pbx.example.com/ng?tenant=5', 'k&y=1'],
    ['http://127.0.0.1:8000/x', 'пароль ключ/+?#%'],
    ['https://a/b?', "-_.!~*'()"],
]


def _outcome(method, text):
    try:
        return ['ok', decode_response(method, parse_json(text))]
    except AnyError as error:
        return ['error', error.code if hasattr(error, 'code') else 'long_poll_timeout',
                error.method if hasattr(error, 'method') else None,
                error.exception_name if hasattr(error, 'exception_name') else None,
                error.params if hasattr(error, 'params') else None]


def _view(raw):
    view = read_status(raw)
    return [view.in_call, view.unique_id, view.contact_name, view.contact_id, view.phone, view.is_hold,
            view.is_mute, view.timestamp]


def _settings(text):
    try:
        settings = parse_settings(text)
    except SettingsError as error:
        return ['error', str(error)]
    return ['ok', settings.server_address, settings.secret_key, settings.show_panel,
            settings.enable_notification, settings.is_configured(), settings_json(settings)]


CONTACT_IDS = ['4183', 4183, '0012', '12/../x', 'javascript:alert(1)', '', None, -5, '١٢', 3000000000]

CONTACT_LISTS = [
    ('[{"uuid": "a", "name": "Rose", "phone": "7916"}, {"uuid": 5, "phone": 79161234567},'
     ' {"name": "no uuid"}, "text", null, {"uuid": "b", "name": 7, "phone": "1"},'
     ' {"uuid": "c", "phone": null}]'),
    '{"uuid": "a"}',
    'null',
]

DIALS = [[False, None, ' 101 '], [False, None, '10'], [False, None, ' 1 0 '], [True, None, '555'],
         [True, None, '55'], [False, {'uuid': 'u-1', 'phone': '7916', 'name': 'R'}, ''],
         [True, {'uuid': 'u-1', 'phone': '7916', 'name': 'R'}, 'typed 999']]


class _Timers:
    """Timers that only record: the probe runs the search's synchronous decisions."""

    def __init__(self):
        self.scheduled = []

    def timeout(self, callback, delay_ms):
        self.scheduled.append(delay_ms)
        return len(self.scheduled)

    def cancel(self, timer):
        self.scheduled.append(['cancel', timer])


def _panel_logic(results):
    for contact_id in CONTACT_IDS:
        results.append(['contact_path', contact_id, contact_path(contact_id)])
    for seconds in [0, 9, 59, 60, 61, 3599, 3600, 3661, 86399]:
        results.append(['format_duration', seconds, format_duration(seconds)])
    for case in [[1669391112, 1669391112000 + 4000, True], [1669391112, 1669391112000 + 4000, False],
                 [None, 5, True], [1669391112.75, 1669391112000 - 60000, True]]:
        offset = clock_offset_ms(case[0], case[1], case[2])
        results.append(['clock', case, offset, elapsed_seconds(case[0], case[1] + 65500, offset)])
    for dial in DIALS:
        results.append(['dial_action', dial, dial_action(dial[0], dial[1], dial[2], 3)])
    for text in CONTACT_LISTS:
        results.append(['read_contacts', text, read_contacts(parse_json(text))])
    many = [{'uuid': str(n), 'phone': str(n)} if n % 3 != 0 else {'uuid': None} for n in range(90)]
    results.append(['read_contacts cap', len(read_contacts(many)), read_contacts(many)[49]])
    for case in [[-1, 0, 1], [-1, 4, 1], [-1, 4, -1], [3, 4, 1], [0, 4, -1], [2, 4, 1]]:
        results.append(['move_index', case, move_index(case[0], case[1], case[2])])
    results.append(['clamp', clamp(5, 0, 3), clamp(-2, 0, 3), clamp(2, 4, 3)])
    results.append(['default_position', default_position(300, 120, 1280, 800),
                    default_position(300, 120, 200, 50)])
    for text in ['{"left": 10, "top": 20}', '{"left": "10", "top": 20}', '{"left": 1.5, "top": 2}',
                 'null', '[]']:
        results.append(['read_position', text, read_position(parse_json(text))])


def _phonebook_search(results):
    shown = []
    timers = _Timers()
    search = PhonebookSearch(None, timers, lambda kind, contacts, error: shown.append([kind, contacts]))
    search.query('  ')
    search.query(' ab ')
    search.query('abc')
    search.cancel()
    results.append(['phonebook search', shown, timers.scheduled, search.sequence, search.showing_recent])


def _errors(results):
    def translate(key):
        return '<' + key + '>'

    errors = [NotResponding('ping', 'timeout'), MethodException('hangup', 'PbxError', None),
              Cancelled('ping'), None]
    for error in errors:
        results.append(['error_text', error_text(translate, error) if error != None else None,
                        status_for_error(error), is_server_failure(error)])
    results.append(['error_message', error_message(NotResponding('ping', 'timeout'))])
    for status in ['connected', 'checking', 'x']:
        results.append(['status_text', status_text(translate, status)])
    results.append(['text_key', text_key('domain.amocrm.panel.title')])


def _sequencing(results):
    first = next_request_id()
    results.append(['next_request_id', next_request_id() - first])
    results.append(['now_ms', now_ms() > 1600000000000])
    latest = LatestCheck()
    subject = check_subject(parse_settings(SETTINGS[0]))
    ticket = latest.start(subject)
    newer = latest.start(check_subject(parse_settings(SETTINGS[1])))
    results.append(['latest check', latest.is_latest(ticket), latest.is_latest(newer),
                    latest.is_current_subject(subject)])
    latest.invalidate()
    results.append(['latest invalidated', latest.is_latest(newer), latest.is_current_subject(subject)])
    form = SettingsForm(SETTINGS[0])
    form.set_secret_key(' other ')
    form.set_show_panel(True)
    form.set_enable_notification(False)
    form.set_post_call_card(False)
    results.append(['settings form edits', settings_json(form.edited()), form.is_dirty(), form.can_save()])
    results.append(['default_backoff', [default_backoff().next_delay() for _ in range(2)]])


API_ANSWERS = [
    '{"_embedded": {"notes": [{"id": 90000002, "entity_id": 1, "request_id": "0"}]}}',
    '{"_embedded": {"tasks": [{"id": "90000003"}]}}',
    ('{"_embedded": {"contacts": [{"id": 90000001, "name": "Ann <b>", "responsible_user_id": 7,'
     ' "custom_fields_values": [{"field_code": "PHONE", "values": [{"value": "+7 900 1"}]}]},'
     ' {"id": 5, "name": null, "custom_fields_values": null}, {"id": -1}, {"name": "no id"}]}}'),
    ('{"validation-errors": [{"request_id": "0", "errors": [{"code": "RequiredField",'
     ' "path": "custom_fields_values.0.values.0.value", "detail": "This field is missing."}]}],'
     ' "title": "Bad Request", "status": 400, "detail": "Request validation failed"}'),
    '{"title": "Too Many Requests", "status": 429, "detail": "slow", "retry_after": 7}',
    '{"title": "Unauthorized", "status": 401, "detail": "expired"}',
    ('{"_embedded": {"notes": [{"id": 11, "note_type": "common", "params": {"text": "hi"}, "created_by": 7,'
     ' "created_at": 1700000000}, {"id": 12, "note_type": "common", "params": {"text": "hi"},'
     ' "created_by": "7", "created_at": 1700000500}]}}'),
    ('{"_embedded": {"tasks": [{"id": 21, "text": "Call back", "complete_till": 1700003600,'
     ' "entity_id": 90000001, "responsible_user_id": 7}]}}'),
    'null', '[]', '"text"', '{}', '{"_embedded": {"notes": "x"}}',
]


def _postcall(results):
    for text in ['+7 (900) 123-45-67', '', None, 'abc', '٣12']:
        results.append(['digits_of', text, digits_of(text)])
    now = 1700000000000 + 123456
    for offset in [0, -180, 300, 60]:
        results.append(['due', offset, due_ms('hour', now, offset, ''), due_ms('tomorrow', now, offset, ''),
                        local_text(now, offset), due_ms('custom', now, offset, local_text(now, offset))])
    for text in ['2026-12-31T23:59', '2024-02-29T10:00', '2023-02-29T10:00', '2026-04-31T10:00',
                 '2026-13-01T10:00', '2026-1-01T10:00', '1969-12-31 23:00', 'x', None, '2026-12-31T24:00']:
        results.append(['parse_local', text, parse_local(text, -180)])
    results.append(['payloads', note_payload('a "b" <i>'),
                    task_payload('Call back', 1700003600, '90000001', '7'),
                    contact_payload('Ann', '+79001234567')])
    for text in API_ANSWERS:
        body = parse_json(text)
        results.append(['answer', text, created_id(body, 'notes'), created_id(body, 'tasks'),
                        found_contacts(200, body), found_contacts(204, body),
                        find_note(body, 'hi', '7', 1700000400), find_note(body, 'hi', 7, 1700000000 + 900),
                        find_task(body, 'Call back', 1700003600, '90000001', 7)])
        for status in [200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 0]:
            results.append(['classify', status, text, classify(status, body, None)])
        results.append(['classify header', classify(429, body, '12'), classify(429, body, 'soon')])
    results.append(['find_contact', find_contact(found_contacts(200, parse_json(API_ANSWERS[2])), 'Ann <b>'),
                    find_contact([], 'x')])
    for path in ['custom_fields_values.0.values.0.value', 'params.text', '', None, '0', 'name']:
        results.append(['field_name', path, field_name(path)])
    outbox = read_outbox(parse_json('{"items": [{"id": "a", "state": "queued"}, {"id": 5}, 3],'
                                    ' "done": ["c", 4]}'))
    results.append(['read_outbox', outbox, read_outbox(None), read_outbox(parse_json('[1]')), storage_key(7)])
    call = {'unique_id': 'u1', 'contact_id': None, 'contact_name': None, 'phone': '+7900', 'duration_s': 65}
    item = new_item('d1', call, 1000, 'Call back')
    box = empty_outbox()
    put_item(box, item)
    results.append(['new', item, next_step(item), has_content(item), pending_count(box)])
    item['note'] = ' note '
    item['contact_id'] = '5'
    results.append(['typed', next_step(item), has_content(item), pending_count(box)])
    item['task_on'] = True
    queue(item, 1700003600, 2000)
    results.append(['queued', item['state'], is_ready(item, 'tab1', 2000), is_ready(item, 'tab1', 1999)])
    take(item, 'tab1', 2000)
    results.append(['lease', leased_by_other(item, 'tab2', 2001), leased_by_other(item, 'tab1', 2001),
                    is_ready(item, 'tab2', 3000), next_wake_ms(box, 'tab2', 3000)])
    release(item)
    item[attempt_key('note')] = 2500
    outcome = record_answer(item, 'note', classify(500, None, None), None, 3000)
    results.append(['unknown', outcome, item['tries'], item['next_ms'], item['attempt_note']])
    outcome = record_answer(item, 'note', classify(429, parse_json(API_ANSWERS[4]), None), None, 4000)
    results.append(['rate', outcome, item['next_ms'], item['attempt_note'], next_wake_ms(box, 'tab1', 0)])
    outcome = record_answer(item, 'note', classify(200, None, None), '11', 12000)
    results.append(['ok', outcome, item[id_key('note')], next_step(item)])
    outcome = record_answer(item, 'task', classify(400, parse_json(API_ANSWERS[3]), None), None, 13000)
    results.append(['invalid', outcome, item['state'], item['error'], next_wake_ms(box, 'tab1', 0)])
    retry(item, 14000)
    results.append(['retry', item['state'], item['error'], is_ready(item, 'tab1', 14000)])
    results.append(['found', find_item(box, 'd1') != None, find_item(box, 'x'), find_call(box, 'u1') != None,
                    find_call(box, 'zz')])
    results.append(['parts', editable_parts(item), LEASE_MS])
    put_item(box, new_item('d2', call, 1, 'x'))
    put_item(box, new_item('d3', call, 50000000, 'x'))
    results.append(['stale', prune_stale_drafts(box, 50000000), prune_stale_drafts(box, 50000000),
                    [i['id'] for i in box['items']]])
    draft = new_item('d4', call, 1, 'x')
    seen = content_of(draft)
    results.append(['may_drop', seen, may_drop(draft, seen), may_drop(draft, None)])
    draft['note'] = 'typed'
    results.append(['may_drop typed', may_drop(draft, seen), may_drop(draft, content_of(draft)),
                    may_drop(draft, None)])
    draft['task_on'] = True
    seen = content_of(draft)
    draft['task_text'] = 'other'
    results.append(['may_drop task', may_drop(draft, seen), may_drop(item, content_of(item))])
    prune_drafts(box, 'none')
    results.append(['pruned', len(box['items'])])
    mark_done(box, item)
    results.append(['done', is_done(box, 'u1'), is_done(box, 'u2'), len(box['items'])])
    for index in range(25):
        mark_done(box, new_item('n' + str(index), {'unique_id': 'c' + str(index)}, 1, 'x'))
    drop_item(box, 'nothing')
    results.append(['done capped', box['done']])
    results.append(['retry delays', [retry_delay_ms(tries) for tries in range(1, 10)]])


def run(unused):
    """Every result, as a list of [label, value] pairs."""
    results = []
    headers = {'amouser_email': 'agent@example.com', 'amouser_id': 7461242, 'widget_version': '1.0.0'}
    envelope = build_envelope(headers, 18, 'originate', {'phone': '123456'})
    results.append(['envelope', envelope])
    results.append(['form', encode_form(envelope)])
    results.append(['form unicode', encode_form(build_envelope(headers, 1, 'get_contacts',
                                                               {'start_with': 'Ёлка "q"',
                                                                'max_results': 10}))])
    for pair in ADDRESSES:
        results.append(['url', request_url(pair[0], pair[1])])
    for method in ['ping', 'get_agent_status', 'originate']:
        results.append(['deadline', method, deadline_ms(method)])
        for body in BODIES:
            results.append(['decode', method, body, _outcome(method, body)])
    for text in ['{"status_code": ' + value + '}' for value in STATUS_VALUES]:
        results.append(['status_code', text, status_code(parse_json(text))])
    for text_status in ['parsererror', 'error', 'timeout', None]:
        error = transport_error('hangup', text_status)
        results.append(['transport', text_status, error.code, error.detail])
    for text in STATUSES:
        results.append(['status', text, _view(parse_json(text)), is_agent_status(parse_json(text))])
    results.append(['same', same_status(initial_status(), parse_json('{"status": "NOT_CONVERSATION"}'))])
    results.append(['same', same_status(parse_json(STATUSES[1]), parse_json(STATUSES[2]))])
    backoff = Backoff(500, 30000)
    results.append(['backoff', [backoff.next_delay() for _ in range(10)]])
    backoff.reset()
    results.append(['backoff reset', [backoff.next_delay() for _ in range(3)]])
    monitor = ServerMonitor(300000)
    timeline = []
    for step in range(80):
        monitor.record(step % 4 != 0)
        monitor.record(step % 3 != 0)
        if step % 5 == 0:
            monitor.record(False)
        timeline.append(monitor.close_window(step * 5000, step < 70))
    results.append(['monitor', timeline])
    shared = ServerMonitor(300000)
    reads = []

    def shared_notice():
        reads.append(len(reads))
        return 12000

    shared_timeline = []
    for step in range(80):
        shared.record(step % 4 != 0)
        shared.record(step % 3 != 0)
        shared_timeline.append(shared.close_window(step * 5000, step < 70, shared_notice))
    results.append(['monitor with a shared time', shared_timeline, len(reads)])
    for text in SETTINGS:
        results.append(['settings', text, _settings(text)])
    for url in URLS:
        results.append(['url check', url, is_absolute_http_url(url)])
    for text in SETTINGS:
        form = SettingsForm(text)
        form.set_server_address(' https://new/x ')
        results.append(['settings form', text, form.stored_valid, form.is_dirty(), form.can_save(),
                        check_action(form.edited())])
    for status in ['connected', 'invalid_secret_key', 'not_available', 'checking', 'not_configured', 'x']:
        results.append(['tone', status, status_tone(status)])
    for text in VALUES:
        value = parse_json(text)
        results.append(['is', text, is_object(value), is_list(value), is_string(value), is_integer(value),
                        is_boolean(value), get(value, 'a', 'default')])
    _panel_logic(results)
    _phonebook_search(results)
    _errors(results)
    _sequencing(results)
    _tabs(results)
    _postcall(results)
    return results


# What another tab or an old entry in storage may hold: state messages of every shape.
TAB_MESSAGES = [
    ('{"group": "g", "status": {"status": "CONVERSATION", "call_info": {"unique_id": "1"}}, "at": 1000,'
    ' "live": true, "error": null}'),
    '{"group": "g", "status": {"status": "NOT_CONVERSATION"}, "at": 1000.5, "live": false}',
    ('{"group": "g", "status": {"status": "X"}, "at": 1000, "live": false,'
    ' "error": {"code": "not_responding", "message": "get_agent_status: not_responding",'
    ' "exception_name": null}}'),
    ('{"group": "g", "status": {"status": "X"}, "at": 1000, "live": false,'
    ' "error": {"code": 5, "message": "m"}}'),
    '{"group": "g", "status": {"status": "X"}, "at": 1000, "live": false, "error": {"message": 7}}',
    '{"group": "g", "status": {"status": "X"}, "at": 1000, "live": false, "error": "text"}',
    '{"group": "other", "status": {"status": "X"}, "at": 1000, "live": false}',
    '{"group": "g", "status": {"status": 1}, "at": 1000, "live": false}',
    '{"group": "g", "status": [], "at": 1000, "live": false}',
    '{"group": "g", "status": {"status": "X"}, "at": "1000", "live": false}',
    '{"group": "g", "status": {"status": "X"}, "at": 1000, "live": 1}',
    '{"group": "g", "status": {"status": "X"}, "at": 1000}',
    '{"group": "g"}', '{"kind": "hello", "group": "g"}', '["g"]', '"g"', 'null', '7', '{}',
]
TAB_LEASES = ['{"tab": "b", "until": 1500}', '{"tab": "a", "until": 1500}', '{"tab": "b", "until": 1000}',
              '{"tab": "b", "until": 999999}', '{"tab": "b", "until": "1500"}', '{"until": 1500}',
              '{"tab": "b"}', 'null', '[]', '"lease"', '0']


def _tabs(results):
    def translate(key):
        return '<' + key + '>'

    for text in ['', 'a', 'https://pbx.example.com/asterisk_ng key', 'Ёлка ключ',
                 'xyz.' + 'abcdefghij' + 'klmnopqrstuvwxyz0123456789' + 'ABCDEFGHIJKLMNOP']:
        results.append(['text_hash', text, text_hash(text)])
    results.append(['group', group_name(7461242, 'https://pbx/a', 'k'),
                    group_name(7461242, 'https://pbx/a', 'k2'), group_name(1, 'https://pbx/b', 'k')])
    for error in [NotResponding('get_agent_status', 'no answer'), MethodException('hangup', 'PbxError', None),
                  None]:
        record = error_record(error)
        relayed = read_error(record)
        results.append(['relay error', record, error_text(translate, relayed) if relayed != None else None])
    message = state_message('g', {'status': 'NOT_CONVERSATION'}, 1000, True, NotResponding('ping', 'x'))
    results.append(['state message', message, read_message(message, 'g') != None, read_message(message, 'h')])
    for text in TAB_MESSAGES:
        message = read_message(parse_json(text), 'g')
        fresh = [is_fresh(message, now)
                 for now in [999, 1000, 15999, 16000, 16001]] if message != None else None
        error = read_error(get(message, 'error', None))
        results.append(['read message', text, message != None, fresh,
                        error_text(translate, error) if error != None else None])
    for text in TAB_LEASES:
        results.append(['lease', text, lease_step(parse_json(text), 'a', 1000)])
    for pair in [[None, 'null'], [None, '500'], [700, '500'], [300, '500'], [300, '5000'], [300, '"500"'],
                 [None, '{"at": 1}']]:
        results.append(['latest notice', pair, latest_notice(pair[0], parse_json(pair[1]), 1000)])
