/*
 * Sandbox host page: emulates the parts of amoCRM a widget touches.
 *
 * This file only configures RequireJS and loads the page's AMD modules (modules/*.js, ids
 * "sandbox/<name>"): core (config, __sandbox, errors), settings, callbacks, tray,
 * amocrm_global (window.AMOCRM), pages, widget_base, settings_modal, navigation, controls,
 * boot. boot loads the widget's script.js the way amoCRM does (RequireJS, widget methods put
 * on Ctor.prototype before `new Ctor()`, then render -> init + bind_actions).
 *
 * Everything a test wants to assert on is recorded in `window.__sandbox`:
 *
 *   config            the page config the server embedded (sandbox/host_page.py)
 *   state             'loading' | 'ready' | 'error' (mirrored in body[data-widget-state])
 *   lifecycle         [{name, page, area, returned, returnedType, threw}] one per callback call
 *   notifications     [{type, payload}] for every AMOCRM.notifications.* call
 *   errors            [{kind, message, stack}] uncaught errors, rejections, RequireJS and callback errors
 *   requests          [{id, url, data, type, state, textStatus, status, sent}] every crm_post call
 *                     (sent: when, in ms of the browser's clock, performance.timeOrigin + now())
 *   pendingRequests   number of crm_post calls still waiting for an answer
 *   actions           {type: handler} registered with add_action; addActionCalls [{type, page}]
 *   phoneCalls        [{value, handled}] clicks on phone numbers
 *   statuses          [status] every set_status() value
 *   saves             [{fields, savedFields, saved, result}] every Save click in the settings modal
 *   settingsOpened    how many times callbacks.settings ran
 *   controlCalls      [{action, body, status, response}] control-strip calls to the demo backend
 *   navigate(page)    'card' | 'list' | 'settings': destroy, switch page, render (+ init, bind_actions)
 *   openSettings()    open the settings modal (calls callbacks.settings($modal_body))
 *   closeSettings()   close it (calls nothing, like amoCRM's close button)
 *   clickPhone(value) what a click on a phone number does
 *   storedSettings()  {field: value} as persisted in localStorage
 *   control(action, body) -> Promise: POST to the demo backend's control API (via the sandbox relay)
 *
 * Query string: navigation=render-only, settings=<raw string>, install_status=..., reset=1,
 * page=card|list|settings, controls=0 (hide the control strip); locale=ru|en is read by the server.
 */
/* global requirejs, require */
requirejs.config({paths: {jquery: '/vendor/jquery.min', sandbox: '/static/modules'}, waitSeconds: 10});
require(['sandbox/boot']);
