// The booking page (docs/booking-page.md), in one of three roles, chosen by the address it was opened at:
// - /book/: the front desk, with an API key: key → service → free time → patient → confirm → booked;
// - /book/{slug}: a clinic's patients (docs/online-booking.md): service → free time (held) → details → emailed code → booked;
// - /manage/{token}: a patient's manage link: the appointment → cancel, or another free time → moved.
// One step is visible at a time; each step change moves focus to the step's heading, and every error is
// written next to its field (or in the alert region) so it is both seen and announced.

import { Api, ApiError } from './api.js';
import * as dates from './dates.js';

const KEY_STORAGE = 'leap.booking.apiKey';
const KEY_PATTERN = /^pk_(live|test)_[0-9A-Za-z]+$/;
const DAYS_SHOWN = 7;
const PATIENT_MATCHES = 5;

/** The page's role, and the API path its calls go under (the manage link's token changes when the appointment moves). */
const PAGE = (() => {
  const manage = location.pathname.match(/^\/manage\/([A-Za-z0-9_-]+)\/?$/);
  if (manage) {
    return { mode: 'manage', root: `/manage/${manage[1]}` };
  }
  const clinic = location.pathname.match(/^\/book\/([a-z0-9-]+)\/?$/);
  return clinic ? { mode: 'public', root: `/public/${clinic[1]}` } : { mode: 'staff', root: '' };
})();
const BY_PATIENT = PAGE.mode !== 'staff';

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** createElement with attributes (true → present, false/null → absent) and children. */
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  element.append(...children.filter(c => c !== null && c !== undefined));
  return element;
}

const hidden = text => el('span', { class: 'visually-hidden' }, text);

const state = {
  api: null,
  services: [],
  locations: new Map(),
  zone: dates.browserZone,
  service: null,
  clinicianId: '',
  from: null,
  slots: [],
  slotsRequest: 0,
  slot: null,
  patient: null,
  clinicName: 'Leap',
  hold: null,
  request: null,
  managed: null,
};

// ---------------------------------------------------------------------------------------------- steps

/** The steps the progress list shows; the key, booked and manage-link steps stand outside it. */
const FLOW = { staff: ['service', 'slot', 'patient', 'confirm'], public: ['service', 'slot', 'details', 'code'], manage: [] }[PAGE.mode];

function show(step, { focus = 'heading' } = {}) {
  for (const section of $$('.step')) {
    section.hidden = section.id !== `step-${step}`;
  }
  clearAlert();
  clearFieldErrors(document);
  const heading = $(`#step-${step} h2`);
  document.title = BY_PATIENT ? `${heading.textContent} · ${state.clinicName}` : `${heading.textContent} · Book an appointment · Leap`;

  const inFlow = FLOW.includes(step);
  $('#progress').hidden = !inFlow;
  for (const item of $$('#progress li')) {
    item.hidden = !FLOW.includes(item.dataset.step);
    const position = FLOW.indexOf(item.dataset.step) - FLOW.indexOf(step);
    item.classList.toggle('done', position < 0);
    if (position === 0) {
      item.setAttribute('aria-current', 'step');
    } else {
      item.removeAttribute('aria-current');
    }
  }
  renderChoices(inFlow && step !== 'service');
  if (focus === 'heading') {
    heading.focus();
  }
}

/** The choices made so far, each with a Change button: the booking's summary on the confirm step. */
function renderChoices(visible) {
  const rows = {
    service: state.service && `${state.service.name} (${minutes(state.service.duration)})`,
    slot: state.slot && describeSlot(state.slot),
    patient: state.patient && describePatient(state.patient),
  };
  let any = false;
  for (const [name, text] of Object.entries(rows)) {
    const row = $(`#choices [data-choice="${name}"]`);
    row.hidden = !text;
    $('[data-value]', row).textContent = text || '';
    any ||= Boolean(text);
  }
  $('#choices').hidden = !(visible && any);
}

/** After a choice, go to the first step still missing one. */
function next() {
  if (!state.service) {
    show('service');
  } else if (!state.slot) {
    openSlots();
  } else if (PAGE.mode === 'public') {
    show(state.request ? 'code' : 'details');
  } else if (!state.patient) {
    show('patient');
  } else {
    show('confirm');
  }
}

// ---------------------------------------------------------------------------------------------- messages

function say(text) {
  // Re-setting identical text is not announced again: clear first, then write on the next frame.
  const status = $('#status');
  status.textContent = '';
  requestAnimationFrame(() => { status.textContent = text; });
}

function alertUser(text, { focus = false } = {}) {
  const alert = $('#alert');
  alert.textContent = text;
  if (focus) {
    alert.focus();
  }
}

function clearAlert() {
  $('#alert').textContent = '';
}

function clearFieldErrors(root) {
  for (const error of $$('.field-error', root)) {
    error.textContent = '';
  }
  for (const input of $$('[aria-invalid]', root)) {
    input.removeAttribute('aria-invalid');
  }
}

function labelOf(error) {
  const input = error.id && $(`[aria-describedby~="${error.id}"]`);
  const label = input && input.id && $(`label[for="${input.id}"]`);
  if (label) {
    return label.childNodes[0].textContent.trim();
  }
  return error.closest('[data-choice]') ? $('dt', error.closest('[data-choice]')).textContent : null;
}

/** "must be …" / "is required" read as a sentence after the field's label; other messages stand alone. */
function sentence(label, message) {
  const text = /^(must|is|was|cannot|should) /.test(message) && label ? `${label} ${message}` : message;
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/**
 * Writes each error.details[] message next to its field (matched by data-error-for) inside the roots, marks
 * the inputs invalid and focuses the first; details with no field on screen go to the alert region.
 */
function showFieldErrors(roots, details, fallback) {
  roots = [roots].flat();
  roots.forEach(clearFieldErrors);
  const targets = roots.flatMap(root => $$('[data-error-for]', root));
  const unplaced = [];
  let first = null;
  for (const detail of details) {
    const target = targets.find(e => e.dataset.errorFor.split(' ').includes(detail.field));
    if (!target) {
      unplaced.push(sentence(detail.field, detail.message));
      continue;
    }
    const text = sentence(labelOf(target), detail.message);
    target.textContent = target.textContent ? `${target.textContent} ${text}` : text;
    const input = $(`[aria-describedby~="${target.id}"]`);
    input?.setAttribute('aria-invalid', 'true');
    first ??= input ?? target;
  }
  if (unplaced.length > 0 || !first) {
    alertUser([fallback, ...unplaced].join(' '), { focus: !first });
  } else {
    alertUser(fallback);
  }
  if (first) {
    if (first.tabIndex < 0 && !first.matches('input, select, textarea, button')) {
      first.setAttribute('tabindex', '-1');
    }
    first.focus();
  }
}

/** Explains a failed call: validation errors next to their fields (within `fields`), the rest in the alert. */
function explain(error, { fields = null } = {}) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    alertUser('Something went wrong in this page. Reload it and try again.', { focus: true });
  } else if (error.status === 401 && !BY_PATIENT) {
    forgetKey();
    show('key', { focus: 'none' });
    showFieldErrors($('#step-key'), [{ field: 'key', message: `was not accepted: ${error.message}` }],
      'Enter a valid API key to continue.');
  } else if (error.status === 403) {
    alertUser(`This API key is not allowed to do that. ${error.message} Ask an administrator for a key with that scope.`, { focus: true });
  } else if (error.status === 429) {
    const seconds = error.retryAfter;
    const wait = !seconds ? 'a moment' : seconds < 90 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `about ${Math.ceil(seconds / 60)} minutes`;
    alertUser(BY_PATIENT ? error.message : `Too many requests with this API key. Wait ${wait}, then try again.`, { focus: true });
  } else if (error.code === 'VALIDATION_ERROR' && fields !== null) {
    showFieldErrors(fields, error.details, 'Some details need correcting: see the messages next to the fields.');
  } else if (error.status >= 500) {
    alertUser(`The server could not complete the request. Try again; if it keeps failing, quote reference ${error.requestId ?? 'unknown'}.`, { focus: true });
  } else {
    alertUser(error.message, { focus: true });
  }
}

/** Runs an action with its button disabled (no double submits) and the section marked busy. */
async function busy(button, action) {
  const section = button.closest('section');
  button.disabled = true;
  section?.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    section?.removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------- describing

const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

function minutes(n) {
  return `${n} minute${n === 1 ? '' : 's'}`;
}

function price(template) {
  return template.pricing_type === 'free' || !template.price ? 'free' : money.format(template.price / 100);
}

function zoneOf(slot) {
  return state.locations.get(slot.location_id)?.timezone || state.zone;
}

function describeSlot(slot) {
  const location = state.locations.get(slot.location_id)?.name;
  return [dates.when(zoneOf(slot), slot.start_time, slot.end_time), slot.clinician_name, location].filter(Boolean).join(' · ');
}

function describePatient(patient) {
  return `${patient.first_name} ${patient.last_name}, born ${dates.birthDate(patient.date_of_birth)}`;
}

// ---------------------------------------------------------------------------------------------- key

/**
 * The demo link carries a test key in the URL fragment (#key=pk_test_…). Fragments are never sent to a
 * server; the key moves to sessionStorage and leaves the address bar at once. Live keys are refused there:
 * a URL ends up in history and bookmarks.
 */
function takeKeyFromFragment() {
  const key = new URLSearchParams(location.hash.slice(1)).get('key');
  if (key === null) {
    return null;
  }
  history.replaceState(null, '', location.pathname + location.search);
  if (!key.startsWith('pk_test_')) {
    return 'Only test keys can be passed in the link. Paste a live key into the field instead.';
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  return null;
}

function forgetKey() {
  sessionStorage.removeItem(KEY_STORAGE);
  state.api = null;
  $('#key-info').hidden = true;
}

function showKeyStep(message, { focus = 'heading' } = {}) {
  forgetKey();
  show('key', { focus: message ? 'none' : focus });
  $('#key-input').value = '';
  if (message) {
    showFieldErrors($('#step-key'), [{ field: 'key', message }], 'Enter an API key to continue.');
  }
}

async function useKey(key) {
  if (!KEY_PATTERN.test(key)) {
    showFieldErrors($('#step-key'), [{ field: 'key', message: 'must start with pk_live_ or pk_test_ followed by letters and digits' }],
      'Enter a valid API key to continue.');
    return;
  }
  state.api = new Api(key);
  say('Checking the key and loading services…');
  let services;
  try {
    services = (await state.api.get('/appointment-templates', { is_active: 'true', limit: 100 })).data;
  } catch (error) {
    state.api = null;
    explain(error);
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  $('#key-input').value = '';
  $('#key-info').hidden = false;
  $('#key-mode').textContent = key.startsWith('pk_test_') ? 'Test mode' : 'Live';
  $('#key-mode').classList.toggle('test', key.startsWith('pk_test_'));
  $('#key-label').textContent = `Key …${key.slice(-4)}`;
  await loadPlaces();
  state.services = services;
  renderServices();
  show('service');
  say(`${services.length} service${services.length === 1 ? '' : 's'} available.`);
}

/**
 * Locations give slots their time zone and name; clinicians fill the clinician filter. Both are optional
 * extras: a key without those scopes still books, in the browser's time zone and without the filter.
 */
async function loadPlaces() {
  const [locations, clinicians] = await Promise.allSettled([
    state.api.get('/locations', { limit: 100 }),
    state.api.get('/clinician-profiles', { is_active: 'true', limit: 100 }),
  ]);
  state.locations = new Map(locations.status === 'fulfilled' ? locations.value.data.map(l => [l.id, l]) : []);
  const all = [...state.locations.values()];
  state.zone = (all.find(l => l.is_primary) ?? all[0])?.timezone || dates.browserZone;

  const filter = $('#clinician-filter');
  filter.replaceChildren(el('option', { value: '' }, 'Any clinician'));
  const list = clinicians.status === 'fulfilled' ? clinicians.value.data : [];
  for (const clinician of list) {
    filter.append(el('option', { value: clinician.id }, clinician.name));
  }
  $('#clinician-filter-row').hidden = list.length < 2;
  state.clinicianId = '';
}

// ---------------------------------------------------------------------------------------------- service

function renderServices() {
  const list = $('#service-list');
  if (state.services.length === 0) {
    list.replaceChildren(el('p', {}, 'There are no active services. Add an appointment template, then reload this page.'));
    return;
  }
  list.replaceChildren(...state.services.map((service, i) => el('div', { class: 'option' },
    el('input', { type: 'radio', name: 'service', id: `service-${i}`, value: service.id, checked: service.id === state.service?.id }),
    el('label', { for: `service-${i}` },
      el('span', { class: 'option-title' }, service.name),
      el('span', { class: 'option-meta' }, `${minutes(service.duration)} · ${price(service)}`)))));
}

function chooseService(event) {
  event.preventDefault();
  const checked = $('input[name="service"]:checked');
  if (!checked) {
    showFieldErrors($('#step-service'), [{ field: 'appointment_template_id', message: 'Choose a service to see its free times' }],
      'Choose a service first.');
    return;
  }
  const service = state.services.find(s => s.id === checked.value);
  if (service.id !== state.service?.id) {
    state.slot = null;
  }
  state.service = service;
  next();
}

// ---------------------------------------------------------------------------------------------- slots

function openSlots(message) {
  releaseHold();
  const today = dates.dateIn(state.zone, Date.now());
  if (!state.from || state.from < today) {
    state.from = today;
  }
  show('slot', { focus: message ? 'none' : 'heading' });
  if (message) {
    alertUser(message, { focus: true });
  }
  return loadSlots();
}

async function loadSlots() {
  const from = state.from;
  const to = dates.addDays(from, DAYS_SHOWN - 1);
  const request = ++state.slotsRequest;
  $('#week-label').textContent = dates.rangeTitle(from, to);
  const first = from <= dates.dateIn(state.zone, Date.now());
  if (first && document.activeElement === $('#prev-week')) {
    // A disabled button drops the focus; keep keyboard users on the week controls.
    $('#next-week').focus();
  }
  $('#prev-week').disabled = first;
  $('#days').replaceChildren(el('p', { class: 'loading' }, 'Loading free times…'));
  $('#step-slot').setAttribute('aria-busy', 'true');
  clearFieldErrors($('#step-slot'));
  say('Loading free times…');
  try {
    // A manage link's free times are always those of its own appointment's service.
    const { data } = await state.api.get(`${PAGE.root}/availability`, {
      date_from: from, date_to: to, appointment_template_id: PAGE.mode === 'manage' ? null : state.service.id, clinician_profile_id: state.clinicianId,
    });
    if (request !== state.slotsRequest) {
      return;
    }
    state.slots = data.slots.filter(slot => slot.is_available !== false);
    renderSlots(from, to);
    const count = state.slots.length;
    say(`${count === 0 ? 'No' : count} free time${count === 1 ? '' : 's'} from ${dates.rangeTitle(from, to)}.`);
  } catch (error) {
    if (request !== state.slotsRequest) {
      return;
    }
    $('#days').replaceChildren();
    explain(error, { fields: $('#step-slot') });
  } finally {
    if (request === state.slotsRequest) {
      $('#step-slot').removeAttribute('aria-busy');
    }
  }
}

function renderSlots(from, to) {
  const byDay = new Map();
  for (const slot of state.slots) {
    const day = dates.dateIn(zoneOf(slot), slot.start_time);
    if (!byDay.has(day)) {
      byDay.set(day, []);
    }
    byDay.get(day).push(slot);
  }
  const zones = new Set(state.slots.map(zoneOf));
  const shown = zones.size === 1 ? [...zones][0] : state.zone;
  $('#zone-note').textContent = zones.size > 1
    ? 'Times are shown in each location\'s own time zone.'
    : `Times are shown in the clinic's time zone (${shown})${shown === dates.browserZone ? '' : `; this device is set to ${dates.browserZone}`}.`;

  const days = [];
  let opened = false;
  for (let day = from; day <= to; day = dates.addDays(day, 1)) {
    const slots = (byDay.get(day) ?? []).sort((a, b) => a.start_time.localeCompare(b.start_time));
    const open = slots.length > 0 && !opened;
    opened ||= open;
    const count = slots.length === 0 ? 'no free times' : `${slots.length} free time${slots.length === 1 ? '' : 's'}`;
    days.push(el('details', { class: 'day', open, 'data-day': day },
      el('summary', {}, el('h3', {}, dates.dayTitle(day)), el('span', { class: 'count' }, count)),
      slots.length === 0
        ? el('p', { class: 'none' }, 'No free times on this day.')
        : el('ul', { class: 'slots', role: 'list' }, ...slots.map(slot => el('li', {}, slotButton(slot))))));
  }
  $('#days').replaceChildren(...days);
  if (!opened) {
    $('#days').append(el('p', { class: 'none' }, 'No free times this week. Try the next week or another clinician.'));
  }
}

const placesLeft = n => `${n} place${n === 1 ? '' : 's'} left`;

function slotButton(slot) {
  const zone = zoneOf(slot);
  const location = state.locations.size > 1 ? state.locations.get(slot.location_id)?.name : null;
  const button = el('button', { type: 'button', class: 'slot' },
    el('span', { class: 'slot-time' }, dates.clock(zone, slot.start_time)),
    hidden(` to ${dates.clock(zone, slot.end_time)}, `),
    el('span', { class: 'slot-who' }, slot.clinician_name),
    ...(location ? [hidden(', '), el('span', { class: 'slot-where' }, location)] : []),
    // Only a group session's slots carry seats_remaining; one-to-one slots look as before.
    ...(slot.seats_remaining != null ? [hidden(', '), el('span', { class: 'slot-seats' }, placesLeft(slot.seats_remaining))] : []));
  button.addEventListener('click', () => chooseSlot(slot, button));
  return button;
}

async function chooseSlot(slot, button) {
  if (PAGE.mode === 'manage') {
    state.slot = slot;
    $('#move-to').textContent = describeSlot(slot);
    show('move');
    return;
  }
  if (PAGE.mode === 'public') {
    // Held while the patient fills in the form, so no one else books it meanwhile.
    const held = await busy(button, async () => {
      try {
        state.hold = (await state.api.create(`${PAGE.root}/holds`, {
          appointment_template_id: state.service.id, clinician_profile_id: slot.clinician_profile_id, location_id: slot.location_id,
          start_time: slot.start_time,
        })).data;
        return true;
      } catch (error) {
        if (error.code === 'SLOT_UNAVAILABLE') {
          await openSlots('This time was just taken. Pick another time: the list below has been refreshed.');
        } else {
          explain(error, { fields: $('#step-slot') });
        }
        return false;
      }
    });
    if (!held) {
      return;
    }
  }
  state.slot = slot;
  say(`Chosen: ${describeSlot(slot)}.`);
  next();
}

/** Lets go of the slot held for the patient (choosing again); a hold not released expires after 15 minutes anyway. */
function releaseHold() {
  if (state.hold) {
    state.api.write('DELETE', `${PAGE.root}/holds/${state.hold.id}`).catch(() => {});
  }
  state.hold = null;
  state.request = null;
  state.slot = PAGE.mode === 'public' ? null : state.slot;
}

function moveWeek(days) {
  state.from = dates.addDays(state.from, days);
  loadSlots();
}

// ---------------------------------------------------------------------------------------------- patient

async function searchPatients(event) {
  event.preventDefault();
  const step = $('#step-patient');
  const search = $('#search-input').value.trim();
  if (!search) {
    showFieldErrors(step, [{ field: 'search', message: 'Enter a name, date of birth, phone, email or NHS number' }], 'Nothing to search for.');
    return;
  }
  clearFieldErrors(step);
  clearAlert();
  await busy(event.submitter ?? $('#search-form button'), async () => {
    try {
      const page = await state.api.get('/patients', { search, limit: PATIENT_MATCHES });
      renderMatches(search, page);
    } catch (error) {
      explain(error, { fields: step });
    }
  });
}

function renderMatches(search, page) {
  const results = $('#search-results');
  const heading = el('h3', { id: 'matches-heading', tabindex: '-1' },
    page.data.length === 0 ? `No patients match “${search}”` : `Patients matching “${search}”`);
  const parts = [heading];
  if (page.data.length === 0) {
    parts.push(el('p', {}, 'Check the spelling, or add them as a new patient below.'));
  } else {
    parts.push(el('ul', { class: 'matches', role: 'list' }, ...page.data.map(patient => el('li', {}, matchButton(patient)))));
    if (page.meta?.has_more) {
      parts.push(el('p', { class: 'hint' }, `Showing the first ${PATIENT_MATCHES}. Add more detail, such as the date of birth, to narrow the search.`));
    }
  }
  results.replaceChildren(...parts);
  say(page.data.length === 0 ? `No patients match ${search}.` : `${page.data.length} patient${page.data.length === 1 ? '' : 's'} found.`);
  heading.focus();
}

function matchButton(patient) {
  const archived = patient.status === 'archived';
  const meta = [
    `born ${dates.birthDate(patient.date_of_birth)}`,
    patient.nhs_number && `NHS ${patient.nhs_number.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3')}`,
    patient.email, patient.phone,
    archived && 'archived: cannot be booked',
  ].filter(Boolean).join(' · ');
  const button = el('button', { type: 'button', class: 'match', disabled: archived },
    el('span', { class: 'match-name' }, `${patient.first_name} ${patient.last_name}`),
    hidden(', '),
    el('span', { class: 'match-meta' }, meta));
  button.addEventListener('click', () => choosePatient(patient));
  return button;
}

function choosePatient(patient) {
  state.patient = patient;
  say(`Patient chosen: ${patient.first_name} ${patient.last_name}.`);
  next();
}

function toggleNewPatient() {
  const toggle = $('#new-patient-toggle');
  const form = $('#patient-form');
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  form.hidden = !open;
  if (open) {
    $('#pf-first_name').focus();
  }
}

async function createPatient(event) {
  event.preventDefault();
  const form = event.target;
  const body = {};
  for (const [name, value] of new FormData(form)) {
    if (value.trim()) {
      body[name] = value.trim();
    }
  }
  clearAlert();
  await busy(event.submitter ?? $('button[type="submit"]', form), async () => {
    try {
      const { data } = await state.api.create('/patients', body);
      form.reset();
      choosePatient(data);
    } catch (error) {
      explain(error, { fields: form });
    }
  });
}

// ---------------------------------------------------------------------------------------------- book

async function book(event) {
  event.preventDefault();
  const { service, slot, patient } = state;
  const body = {
    patient_id: patient.id,
    appointment_type_id: service.id,
    clinician_profile_id: slot.clinician_profile_id,
    title: service.name,
    start_time: slot.start_time,
    end_time: slot.end_time,
  };
  if (slot.location_id) {
    body.location_id = slot.location_id;
  }
  const notes = $('#confirm-notes').value.trim();
  if (notes) {
    body.description = notes;
  }
  clearAlert();
  say('Booking…');
  await busy($('#confirm-button'), async () => {
    try {
      const { data } = await state.api.create('/appointments', body);
      showBooked(data);
    } catch (error) {
      if (error.code === 'SLOT_UNAVAILABLE') {
        state.slot = null;
        await openSlots('This time was just taken by another booking. Pick another time: the list below has been refreshed.');
      } else {
        explain(error, { fields: [$('#choices'), $('#step-confirm')] });
      }
    }
  });
}

function showBooked(appointment) {
  const slot = state.slot;
  const zone = zoneOf(slot);
  const rows = [
    ['Patient', appointment.attendee_name ?? `${state.patient.first_name} ${state.patient.last_name}`],
    ['Service', appointment.title],
    ['When', dates.when(zone, appointment.start_time, appointment.end_time)],
    ['Clinician', slot.clinician_name],
    ['Location', state.locations.get(appointment.location_id)?.name ?? appointment.location_id],
    ['Status', appointment.status],
    ['Reference', appointment.id],
  ].filter(([, value]) => value);
  $('#booked').replaceChildren(...rows.map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', { 'data-field': term.toLowerCase() }, value))));
  state.slot = null;
  state.patient = null;
  $('#confirm-notes').value = '';
  $('#search-results').replaceChildren();
  $('#search-input').value = '';
  $('#patient-form').hidden = true;
  $('#new-patient-toggle').setAttribute('aria-expanded', 'false');
  show('done');
  say(`Booked: ${appointment.title}, ${dates.when(zone, appointment.start_time, appointment.end_time)}.`);
}

// ---------------------------------------------------------------------------------------------- patients: online booking

/** A clinic's public page: its name, services, clinicians and places, with no key (docs/online-booking.md). */
async function startPublic() {
  state.api = new Api(null);
  say('Loading services…');
  let clinic;
  try {
    clinic = (await state.api.get(PAGE.root)).data;
  } catch (error) {
    show('service', { focus: 'none' });
    $('#service-form').hidden = true;
    explain(error);
    return;
  }
  state.clinicName = clinic.name;
  $('#brand').replaceChildren(clinic.name, ' ', el('span', {}, 'online booking'));
  state.locations = new Map(clinic.locations.map(l => [l.id, l]));
  state.zone = clinic.locations[0]?.timezone || dates.browserZone;
  const filter = $('#clinician-filter');
  filter.replaceChildren(el('option', { value: '' }, 'Any clinician'), ...clinic.clinicians.map(c => el('option', { value: c.id }, c.name)));
  $('#clinician-filter-row').hidden = clinic.clinicians.length < 2;
  state.services = clinic.services;
  renderServices();
  show('service', { focus: 'stay' });
  say(`${clinic.services.length} service${clinic.services.length === 1 ? '' : 's'} available.`);
}

/** Sends the patient's details for the held time; the server emails a code (the same answer whoever they are). */
async function requestCode(event) {
  event.preventDefault();
  const form = event.target;
  const body = { hold_id: state.hold.id };
  for (const [name, value] of new FormData(form)) {
    if (value.trim()) {
      body[name] = value.trim();
    }
  }
  clearAlert();
  await busy(event.submitter ?? $('button[type="submit"]', form), async () => {
    try {
      state.request = { ...(await state.api.create(`${PAGE.root}/booking-requests`, body)).data, email: body.email };
      $('#code-note').textContent = `We have emailed a 6-digit code to ${body.email}. Enter it by ` +
        `${dates.clock(state.zone, state.request.expires_at)}, while your time is held.`;
      show('code');
    } catch (error) {
      if (error.code === 'INVALID_STATE' || error.status === 404) {
        await openSlots(`${error.message}`);
      } else {
        explain(error, { fields: form });
      }
    }
  });
}

/** The emailed code books the held time. */
async function confirmCode(event) {
  event.preventDefault();
  const code = $('#code-input').value.trim();
  if (!/^\d{6}$/.test(code)) {
    showFieldErrors($('#step-code'), [{ field: 'code', message: 'must be the 6 digits from the email' }], 'Enter the code from the email.');
    return;
  }
  clearAlert();
  await busy($('#code-button'), async () => {
    try {
      const { data } = await state.api.create(`${PAGE.root}/booking-requests/${state.request.id}/confirm`, { code });
      state.hold = null;
      showOutcome('Appointment booked', data, { manageLink: true });
      say(`Booked: ${data.service}, ${dates.when(data.timezone || state.zone, data.start_time, data.end_time)}.`);
    } catch (error) {
      if (error.code === 'INVALID_STATE') {
        state.hold = null;
        await openSlots(error.message);
      } else {
        explain(error, { fields: $('#step-code') });
      }
    }
  });
}

/** The done step: what happened to the appointment, and (after booking) the link to manage it. */
function showOutcome(title, view, { manageLink = false } = {}) {
  $('#done-heading').textContent = title;
  $('#booked').replaceChildren(...describeManaged(view));
  if (manageLink && view.manage_url) {
    $('#booked').append(el('div', {}, el('dt', {}, 'Change or cancel'),
      el('dd', {}, el('a', { href: view.manage_url, 'data-field': 'manage' }, 'Manage this appointment'))));
  }
  $('#book-another').hidden = PAGE.mode === 'manage';
  $('#details-form').reset();
  $('#code-input').value = '';
  Object.assign(state, { slot: null, request: null });
  show('done');
}

function describeManaged(view) {
  const zone = view.timezone || state.zone;
  return [
    ['Service', view.service],
    ['When', dates.when(zone, view.start_time, view.end_time)],
    ['Clinician', view.clinician_name],
    ['Location', [view.location_name, view.location_address].filter(Boolean).join(', ')],
    ['Status', view.status],
  ].filter(([, value]) => value)
    .map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', { 'data-field': term.toLowerCase() }, value)));
}

// ---------------------------------------------------------------------------------------------- patients: manage link

async function startManage() {
  state.api = new Api(null);
  try {
    renderManaged((await state.api.get(PAGE.root)).data);
    show('manage', { focus: 'stay' });
  } catch (error) {
    $('#manage-heading').textContent = 'This link cannot be used';
    show('manage', { focus: 'none' });
    explain(error);
  }
}

function renderManaged(view) {
  state.managed = view;
  state.clinicName = view.clinic_name;
  state.zone = view.timezone || dates.browserZone;
  state.service = { id: view.appointment_template_id, name: view.service };
  $('#brand').replaceChildren(view.clinic_name);
  $('#managed').replaceChildren(...describeManaged(view));
  const deadline = dates.when(state.zone, view.change_deadline, view.change_deadline).split('–')[0];
  const ring = view.clinic_phone ? `ring the clinic on ${view.clinic_phone}` : 'contact the clinic';
  $('#manage-note').textContent = view.can_change
    ? `You can cancel or move this appointment here until ${deadline}. After that, ${ring}.`
    : `This appointment can no longer be changed online: changes close ${view.cancellation_notice_hours} hours before it starts. To change it, ${ring}.`;
  $('#manage-actions').hidden = !view.can_change;
}

/** A move or a cancellation changes the link: the old one stops working, so the address bar takes the new one. */
function follow(view) {
  if (view.manage_url) {
    const path = new URL(view.manage_url).pathname;
    history.replaceState(null, '', path);
    PAGE.root = path;
  }
}

async function move() {
  const slot = state.slot;
  clearAlert();
  await busy($('#move-button'), async () => {
    try {
      const { data } = await state.api.create(`${PAGE.root}/reschedule`,
        { start_time: slot.start_time, clinician_profile_id: slot.clinician_profile_id });
      follow(data);
      renderManaged(data);
      state.slot = null;
      show('manage');
      say(`Moved to ${describeSlot(slot)}.`);
    } catch (error) {
      if (error.code === 'SLOT_UNAVAILABLE') {
        await openSlots('This time was just taken. Pick another time: the list below has been refreshed.');
      } else {
        explain(error);
      }
    }
  });
}

async function cancelAppointment(event) {
  event.preventDefault();
  const reason = $('#cancel-reason').value.trim();
  clearAlert();
  await busy($('#cancel-button'), async () => {
    try {
      const { data } = await state.api.create(`${PAGE.root}/cancel`, reason ? { cancellation_reason: reason } : {});
      showOutcome('Appointment cancelled', data);
      say('The appointment is cancelled.');
    } catch (error) {
      explain(error, { fields: $('#cancel-form') });
    }
  });
}

// ---------------------------------------------------------------------------------------------- start

function wire() {
  $('#key-form').addEventListener('submit', event => {
    event.preventDefault();
    busy(event.submitter ?? $('#key-form button'), () => useKey($('#key-input').value.trim()));
  });
  $('#forget-key').addEventListener('click', () => {
    Object.assign(state, { service: null, slot: null, patient: null, from: null });
    showKeyStep();
    say('The key has been forgotten.');
  });
  $('#service-form').addEventListener('submit', chooseService);
  $('#clinician-filter').addEventListener('change', event => {
    state.clinicianId = event.target.value;
    loadSlots();
  });
  $('#prev-week').addEventListener('click', () => moveWeek(-DAYS_SHOWN));
  $('#next-week').addEventListener('click', () => moveWeek(DAYS_SHOWN));
  $('#search-form').addEventListener('submit', searchPatients);
  $('#new-patient-toggle').addEventListener('click', toggleNewPatient);
  $('#patient-form').addEventListener('submit', createPatient);
  $('#confirm-form').addEventListener('submit', book);
  $('#details-form').addEventListener('submit', requestCode);
  $('#code-form').addEventListener('submit', confirmCode);
  $('#reschedule-button').addEventListener('click', () => openSlots());
  $('#cancel-open').addEventListener('click', () => show('cancel'));
  $('#move-button').addEventListener('click', move);
  $('#cancel-form').addEventListener('submit', cancelAppointment);
  $('#book-another').addEventListener('click', () => show('service'));
  for (const button of $$('[data-goto]')) {
    button.addEventListener('click', () => {
      const step = button.dataset.goto;
      if (step === 'slot') {
        openSlots();
      } else {
        show(step);
      }
    });
  }
  // A demo link pasted into an open tab; other fragment changes (the skip link) are not about keys.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has('key')) {
      start();
    }
  });
}

function start() {
  if (PAGE.mode === 'public') {
    startPublic();
    return;
  }
  if (PAGE.mode === 'manage') {
    startManage();
    return;
  }
  const refused = takeKeyFromFragment();
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (refused || !key) {
    showKeyStep(refused, { focus: refused ? 'none' : 'stay' });
  } else {
    useKey(key);
  }
}

wire();
start();
