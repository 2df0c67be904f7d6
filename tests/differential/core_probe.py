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
    '{"headers": {"status_code": 200}, "content": {"result": {"exception": "E1", "exception_params": {"x": 1}}}}',
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

STATUS_VALUES = ['200', '"200"', '" 201 "', '""', '"abc"', 'true', 'false', 'null', '200.0', '-1', '[200]', '{"a": 1}']

STATUSES = [
    '{"status": "NOT_CONVERSATION"}',
    ('{"status": "CONVERSATION", "call_info": {"unique_id": "1.2", "contact_name": "Rose", "contact_id": 4183,'
    ' "contact_phone": "7916", "is_hold": true, "is_mute": false, "timestamp": 1669391112}}'),
    '{"status": "CONVERSATION", "call_info": {"contact_name": null, "contact_id": "77", "contact_phone": 123}}',
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
        'https://[::1]:8443/ng', 'https://user@host:80', 'https://host:8o', 'https://.host', 'http://h?q=1#f', '']

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
    return ['ok', settings.server_address, settings.secret_key, settings.show_panel, settings.enable_notification,
            settings.is_configured(), settings_json(settings)]


CONTACT_IDS = ['4183', 4183, '0012', '12/../x', 'javascript:alert(1)', '', None, -5, '١٢', 3000000000]

CONTACT_LISTS = [
    ('[{"uuid": "a", "name": "Rose", "phone": "7916"}, {"uuid": 5, "phone": 79161234567}, {"name": "no uuid"},'
     ' "text", null, {"uuid": "b", "name": 7, "phone": "1"}, {"uuid": "c", "phone": null}]'),
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
    results.append(['default_position', default_position(300, 120, 1280, 800), default_position(300, 120, 200, 50)])
    for text in ['{"left": 10, "top": 20}', '{"left": "10", "top": 20}', '{"left": 1.5, "top": 2}', 'null', '[]']:
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

    errors = [NotResponding('ping', 'timeout'), MethodException('hangup', 'PbxError', None), Cancelled('ping'),
              None]
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
    results.append(['settings form edits', settings_json(form.edited()), form.is_dirty(), form.can_save()])
    results.append(['default_backoff', [default_backoff().next_delay() for _ in range(2)]])


def run(unused):
    """Every result, as a list of [label, value] pairs."""
    results = []
    headers = {'amouser_email': 'agent@example.com', 'amouser_id': 7461242, 'widget_version': '1.0.0'}
    envelope = build_envelope(headers, 18, 'originate', {'phone': '123456'})
    results.append(['envelope', envelope])
    results.append(['form', encode_form(envelope)])
    results.append(['form unicode', encode_form(build_envelope(headers, 1, 'get_contacts',
                                                               {'start_with': 'Ёлка "q"', 'max_results': 10}))])
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
    return results


# What another tab or an old entry in storage may hold: state messages of every shape.
TAB_MESSAGES = [
    ('{"group": "g", "status": {"status": "CONVERSATION", "call_info": {"unique_id": "1"}}, "at": 1000,'
    ' "live": true, "error": null}'),
    '{"group": "g", "status": {"status": "NOT_CONVERSATION"}, "at": 1000.5, "live": false}',
    ('{"group": "g", "status": {"status": "X"}, "at": 1000, "live": false,'
    ' "error": {"code": "not_responding", "message": "get_agent_status: not_responding", "exception_name": null}}'),
    '{"group": "g", "status": {"status": "X"}, "at": 1000, "live": false, "error": {"code": 5, "message": "m"}}',
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
              '{"tab": "b", "until": 999999}', '{"tab": "b", "until": "1500"}', '{"until": 1500}', '{"tab": "b"}',
              'null', '[]', '"lease"', '0']


def _tabs(results):
    def translate(key):
        return '<' + key + '>'

    for text in ['', 'a', 'https://pbx.example.com/asterisk_ng key', 'Ёлка ключ', 'xyz.' + 'abcdefghij' + 'klmnopqrstuvwxyz0123456789' + 'ABCDEFGHIJKLMNOP']:
        results.append(['text_hash', text, text_hash(text)])
    results.append(['group', group_name(7461242, 'https://pbx/a', 'k'), group_name(7461242, 'https://pbx/a', 'k2'),
                    group_name(1, 'https://pbx/b', 'k')])
    for error in [NotResponding('get_agent_status', 'no answer'), MethodException('hangup', 'PbxError', None),
                  None]:
        record = error_record(error)
        relayed = read_error(record)
        results.append(['relay error', record, error_text(translate, relayed) if relayed != None else None])
    message = state_message('g', {'status': 'NOT_CONVERSATION'}, 1000, True, NotResponding('ping', 'x'))
    results.append(['state message', message, read_message(message, 'g') != None, read_message(message, 'h')])
    for text in TAB_MESSAGES:
        message = read_message(parse_json(text), 'g')
        fresh = [is_fresh(message, now) for now in [999, 1000, 15999, 16000, 16001]] if message != None else None
        error = read_error(get(message, 'error', None))
        results.append(['read message', text, message != None, fresh,
                        error_text(translate, error) if error != None else None])
    for text in TAB_LEASES:
        results.append(['lease', text, lease_step(parse_json(text), 'a', 1000)])
    for pair in [[None, 'null'], [None, '500'], [700, '500'], [300, '500'], [300, '5000'], [300, '"500"'],
                 [None, '{"at": 1}']]:
        results.append(['latest notice', pair, latest_notice(pair[0], parse_json(pair[1]), 1000)])
