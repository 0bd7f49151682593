// The staff app (docs/staff-app.md): the diary by day and week, appointment actions, booking free time, the
// rota editor and the patients' messages (quiet hours and wording). A client of the public API like the booking page, authenticated by the staff session's cookie
// and its antiforgery header (GET /app/session); what the signed-in person may do is what their role's scopes allow.

import { Api, ApiError } from '/book/api.js';
import { addDays, birthDate, clock, dateIn, dayTitle, rangeTitle, when } from '/book/dates.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const ACTIVE = new Set(['pending', 'pending_approval', 'confirmed', 'scheduled']);
const STATUS = {
  pending: 'Pending', pending_approval: 'Awaiting approval', confirmed: 'Confirmed', scheduled: 'Scheduled',
  cancelled: 'Cancelled', completed: 'Completed', no_show: 'No-show',
};
const REASONS = { leave: 'Leave', training: 'Training', sickness: 'Sickness', other: 'Other', bank_holiday: 'Bank holiday', closed: 'Closed' };

const state = {
  api: null,
  clinicians: [],
  locations: [],
  services: [],
  view: 'diary',
  mode: 'day',
  date: null,
  clinician: '',
  location: '',
  service: '',
  rotaClinician: '',
  user: null,
  resources: [],
  canManage: false,
};

// ---------------------------------------------------------------------------------------------- helpers

const $ = (selector, root = document) => root.querySelector(selector);

/** An element with attributes (on* as listeners) and children (strings become text, never HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  node.append(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
  return node;
}

function say(message) {
  $('#status').textContent = message;
}

function clearAlert() {
  $('#alert').replaceChildren();
}

/** Shows what went wrong where the person is looking: in the open dialog, else at the top of the page. */
function explain(error, where = $('#alert')) {
  if (error instanceof ApiError && error.status === 401) {
    location.assign('/app/sign-in');
    return;
  }
  const message = error instanceof ApiError ? error.message : 'Something went wrong in the page. Reload and try again.';
  const details = error instanceof ApiError ? error.details.map(d => el('li', {}, `${d.field}: ${d.message}`)) : [];
  where.replaceChildren(el('p', {}, message), ...(details.length ? [el('ul', {}, details)] : []));
  where.focus();
  if (!(error instanceof ApiError)) {
    console.error(error);
  }
}

async function all(path, query = {}) {
  const rows = [];
  for (let offset = 0; ;) {
    const page = await state.api.get(path, { ...query, limit: 100, offset });
    rows.push(...page.data);
    if (!page.meta.has_more) {
      return rows;
    }
    offset = page.meta.next_offset;
  }
}

const clinicianName = id => state.clinicians.find(c => c.id === id)?.name ?? id ?? 'No clinician';
const locationOf = id => state.locations.find(l => l.id === id);
const serviceName = id => state.services.find(s => s.id === id)?.name ?? '';
/** The zone the diary is read in: the chosen location's, else the first location's (the clinic's wall clock). */
const zone = () => locationOf(state.location)?.timezone ?? state.locations[0]?.timezone ?? 'Europe/London';
const today = () => dateIn(zone(), Date.now());
const mondayOf = date => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
const weekdayOf = date => WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
const overlapsDay = (item, date) => dateIn(zone(), item.start_time) <= date && date <= dateIn(zone(), new Date(item.end_time) - 1);

function options(rows, chosen, label) {
  return [el('option', { value: '' }, label), ...rows.map(r => el('option', { value: r.id, selected: r.id === chosen }, r.name))];
}

function field(label, control, hint) {
  const id = control.id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null, control);
}

// ---------------------------------------------------------------------------------------------- diary

function days() {
  if (state.mode === 'day') {
    return [state.date];
  }
  const monday = mondayOf(state.date);
  return WEEKDAYS.map((_, i) => addDays(monday, i));
}

async function loadDiary() {
  const shown = days();
  const from = addDays(shown[0], -1);
  const to = addDays(shown.at(-1), 1);
  const clinicians = state.clinician ? state.clinicians.filter(c => c.id === state.clinician) : state.clinicians;
  const locations = state.location ? state.locations.filter(l => l.id === state.location) : state.locations;
  const range = { start_time_lte: `${to}T23:59:59Z`, end_time_gte: `${from}T00:00:00Z` };
  const [appointments, rotas, closures] = await Promise.all([
    all('/appointments', {
      start_time_gte: `${from}T00:00:00Z`, start_time_lte: `${to}T23:59:59Z`,
      clinician_profile_id: state.clinician || undefined, location_id: state.location || undefined,
    }),
    Promise.all(clinicians.map(async c => ({
      clinician: c,
      sessions: (await all(`/clinician-profiles/${c.id}/sessions`)).filter(s => !state.location || s.location_id === state.location),
      blocks: await all(`/clinician-profiles/${c.id}/blocks`, range),
    }))),
    Promise.all(locations.map(async l => (await all(`/locations/${l.id}/closures`, range)).map(c => ({ ...c, location: l })))),
  ]);
  let free = [];
  if (state.mode === 'day' && state.service) {
    try {
      free = (await state.api.get('/availability', {
        appointment_template_id: state.service, date_from: state.date, date_to: state.date,
        clinician_profile_id: state.clinician || undefined, location_id: state.location || undefined,
      })).data.slots;
    } catch (error) {
      // A service nobody on the chosen rota provides is a 422: the diary still shows, without free time.
      if (!(error instanceof ApiError) || error.status !== 422) {
        throw error;
      }
    }
  }
  return { shown, appointments, rotas, closures: closures.flat(), free };
}

function sessionsOn(sessions, date) {
  return sessions.filter(s => s.type === 'one_off'
    ? s.date === date
    : s.weekday === weekdayOf(date) && (!s.valid_from || s.valid_from <= date) && (!s.valid_until || date <= s.valid_until))
    .sort((a, b) => a.start_time.localeCompare(b.start_time));
}

/** "All day", "from 13:00", "until 12:00" or "09:00–12:00": the part of a block or closure on one local day. */
function spanText(item, date) {
  const z = zone();
  const fromStart = dateIn(z, item.start_time) < date || clock(z, item.start_time) === '00:00';
  const toEnd = dateIn(z, new Date(item.end_time) - 1) > date || clock(z, item.end_time) === '00:00';
  if (fromStart && toEnd) {
    return 'All day';
  }
  return fromStart ? `until ${clock(z, item.end_time)}` : toEnd ? `from ${clock(z, item.start_time)}` : `${clock(z, item.start_time)}–${clock(z, item.end_time)}`;
}

function appointmentButton(a) {
  const z = zone();
  const who = a.attendee_name || a.title;
  return el('li', { class: `appt status-${a.status}` },
    el('button', { type: 'button', class: 'appt-button', 'data-appointment': a.id, onclick: () => openAppointment(a.id) },
      el('span', { class: 'time' }, `${clock(z, a.start_time)}–${clock(z, a.end_time)}`), ' ',
      el('span', { class: 'who' }, who), ' ',
      el('span', { class: 'what' }, `${a.title}${a.status === 'confirmed' ? '' : ` · ${STATUS[a.status] ?? a.status}`}`)));
}

function renderDiary({ shown, appointments, rotas, closures, free }) {
  const z = zone();
  const dayBlocks = shown.map(date => {
    const closed = closures.filter(c => overlapsDay(c, date));
    const people = rotas.map(({ clinician, sessions, blocks }) => {
      const working = sessionsOn(sessions, date);
      const away = blocks.filter(b => overlapsDay(b, date));
      const booked = appointments.filter(a => a.clinician_profile_id === clinician.id && dateIn(z, a.start_time) === date)
        .sort((a, b) => a.start_time.localeCompare(b.start_time));
      const slots = free.filter(s => s.clinician_profile_id === clinician.id);
      if (!working.length && !away.length && !booked.length && !slots.length && !state.clinician) {
        return null;
      }
      return el('section', { class: 'person', 'aria-label': `${clinician.name}, ${dayTitle(date)}` },
        el('h3', {}, clinician.name),
        el('ul', { class: 'rota-lines' },
          working.length ? working.map(s => el('li', { class: 'session' },
            `Working ${s.start_time}–${s.end_time} at ${locationOf(s.location_id)?.name ?? s.location_id}`))
            : el('li', { class: 'session none' }, 'Not working'),
          away.map(b => el('li', { class: 'block' }, `${REASONS[b.reason] ?? b.reason}: ${spanText(b, date)}${b.note ? ` (${b.note})` : ''}`))),
        booked.length ? el('ul', { class: 'appts', 'aria-label': `Appointments with ${clinician.name}` }, booked.map(appointmentButton))
          : el('p', { class: 'empty' }, 'No appointments.'),
        slots.length ? el('div', { class: 'free' },
          el('h4', {}, `Free for ${serviceName(state.service)}`),
          el('ul', { class: 'slots' }, slots.map(s => el('li', {},
            el('button', {
              type: 'button', class: 'slot', 'aria-label': `Book ${clock(z, s.start_time)} with ${clinician.name}`,
              onclick: () => openBooking(s),
            }, clock(z, s.start_time), s.seats_remaining != null ? ` (${s.seats_remaining} left)` : ''))))) : null);
    }).filter(Boolean);
    return el('section', { class: 'day', 'aria-labelledby': `day-${date}` },
      el('h2', { id: `day-${date}` }, state.mode === 'week'
        ? el('button', { type: 'button', class: 'link', onclick: () => { state.mode = 'day'; state.date = date; showDiary(); } }, dayTitle(date))
        : dayTitle(date)),
      closed.map(c => el('p', { class: 'closure' },
        `${c.location.name} closed (${REASONS[c.reason] ?? c.reason}): ${spanText(c, date)}${c.note ? `, ${c.note}` : ''}`)),
      people.length ? people : el('p', { class: 'empty' }, 'Nobody is working.'));
  });
  $('#diary').replaceChildren(...dayBlocks);
  $('#diary').className = `diary ${state.mode}`;
}

function diaryControls() {
  const title = state.mode === 'day' ? `${dayTitle(state.date)} ${state.date.slice(0, 4)}` : `Week of ${rangeTitle(days()[0], days()[6])}`;
  const change = key => event => { state[key] = event.target.value; showDiary(); };
  const move = step => () => { state.date = addDays(state.date, state.mode === 'day' ? step : 7 * step); showDiary(); };
  return el('form', { class: 'controls', 'aria-label': 'Diary', onsubmit: e => e.preventDefault() },
    el('h1', { id: 'diary-title', tabindex: '-1' }, title),
    el('div', { class: 'row' },
      el('div', { class: 'group', role: 'group', 'aria-label': 'Show' },
        el('button', { type: 'button', 'aria-pressed': String(state.mode === 'day'), onclick: () => { state.mode = 'day'; showDiary(); } }, 'Day'),
        el('button', { type: 'button', 'aria-pressed': String(state.mode === 'week'), onclick: () => { state.mode = 'week'; showDiary(); } }, 'Week')),
      el('div', { class: 'group', role: 'group', 'aria-label': 'Move' },
        el('button', { type: 'button', onclick: move(-1) }, state.mode === 'day' ? 'Previous day' : 'Previous week'),
        el('button', { type: 'button', onclick: () => { state.date = today(); showDiary(); } }, 'Today'),
        el('button', { type: 'button', onclick: move(1) }, state.mode === 'day' ? 'Next day' : 'Next week'))),
    el('div', { class: 'row' },
      field('Date', el('input', { id: 'f-date', type: 'date', value: state.date, onchange: e => { if (e.target.value) { state.date = e.target.value; showDiary(); } } })),
      field('Clinician', el('select', { id: 'f-clinician', onchange: change('clinician') }, options(state.clinicians, state.clinician, 'Everyone'))),
      field('Location', el('select', { id: 'f-location', onchange: change('location') }, options(state.locations, state.location, 'Every location'))),
      field('Free time for', el('select', { id: 'f-service', onchange: change('service') }, options(state.services, state.service, 'No service (hide free time)')))));
}

async function showDiary(focus = true) {
  state.view = 'diary';
  markNav();
  $('#view').replaceChildren(diaryControls(), el('div', { id: 'diary', class: 'diary', 'aria-busy': 'true' }, el('p', {}, 'Loading…')));
  try {
    renderDiary(await loadDiary());
    say(`Diary loaded: ${$('#diary-title').textContent}.`);
  } catch (error) {
    explain(error);
  } finally {
    $('#diary').removeAttribute('aria-busy');
  }
  if (focus) {
    $('#diary-title').focus();
  }
}

// ---------------------------------------------------------------------------------------------- dialogs

/** A modal dialog (the browser keeps the focus inside it and Escape closes it), removed once closed. */
function openDialog(title, ...content) {
  const dialog = el('dialog', { 'aria-labelledby': 'dialog-title' },
    el('div', { class: 'dialog-head' },
      el('h2', { id: 'dialog-title' }, title),
      el('button', { type: 'button', class: 'quiet', onclick: () => dialog.close() }, 'Close')),
    el('div', { class: 'alert', id: 'dialog-alert', role: 'alert', tabindex: '-1' }),
    ...content);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

async function busy(button, work) {
  button.disabled = true;
  try {
    await work();
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------- appointment

async function openAppointment(id) {
  clearAlert();
  let a;
  try {
    a = (await state.api.get(`/appointments/${id}`)).data;
  } catch (error) {
    explain(error);
    return;
  }
  const z = locationOf(a.location_id)?.timezone ?? zone();
  const started = new Date(a.start_time) <= Date.now();
  const details = el('dl', { class: 'details' });
  for (const row of [
    ['Patient', a.attendee_name || a.patient_id], ['When', when(z, a.start_time, a.end_time)],
    ['Service', serviceName(a.appointment_type_id) || a.title], ['Clinician', clinicianName(a.clinician_profile_id)],
    ['Location', locationOf(a.location_id)?.name ?? '—'], ['Status', STATUS[a.status] ?? a.status],
    a.cancellation_reason ? ['Reason for cancelling', a.cancellation_reason] : null,
    a.description ? ['Notes', a.description] : null,
    a.resource_ids ? ['Rooms and equipment', a.resource_ids.map(resourceName).join(', ')] : null,
    a.max_participants ? ['Places', `${a.participant_count} of ${a.max_participants} taken`] : null,
  ].filter(Boolean)) {
    details.append(el('dt', {}, row[0]), el('dd', { 'data-field': row[0] }, row[1]));
  }
  const panel = el('div', { id: 'appointment-panel' });
  const actions = ACTIVE.has(a.status) ? el('div', { class: 'actions' },
    el('button', { type: 'button', onclick: () => showReschedule(a, panel) }, 'Reschedule'),
    el('button', { type: 'button', onclick: () => showCancel(a, panel) }, 'Cancel appointment'),
    started ? el('button', { type: 'button', onclick: e => act(a, 'complete', e.target) }, 'Mark completed') : null,
    started ? el('button', { type: 'button', onclick: e => act(a, 'no-show', e.target) }, 'Mark no-show') : null,
    started ? null : el('p', { class: 'hint' }, 'Completed and no-show can be recorded once the appointment has started.'))
    : el('p', {}, 'This appointment is finished: nothing more can be done with it.');
  const patientLink = el('button', { type: 'button', class: 'quiet', onclick: () => { $('dialog')?.close(); showPatient(a.patient_id); } }, 'Open patient page');
  const group = a.max_participants ? el('div', { id: 'participants-panel' }) : null;
  openDialog(`Appointment: ${a.attendee_name || a.title}`, details, patientLink, actions, group, panel);
  if (group) {
    try {
      await participantsPanel(a, group);
    } catch (error) {
      explain(error, $('#dialog-alert'));
    }
  }
}

async function done(message) {
  $('dialog')?.close();
  await showDiary(false);
  say(message);
  $('#diary-title').focus();
}

async function act(a, action, button) {
  await busy(button, async () => {
    try {
      await state.api.create(`/appointments/${a.id}/${action}`, {});
      await done(action === 'complete' ? 'Marked completed.' : 'Marked as a no-show.');
    } catch (error) {
      explain(error, $('#dialog-alert'));
    }
  });
}

function showCancel(a, panel) {
  const reason = el('textarea', { id: 'cancel-reason', name: 'reason', rows: '3', maxlength: '500' });
  const form = el('form', { class: 'panel', 'aria-labelledby': 'cancel-title' },
    el('h3', { id: 'cancel-title' }, 'Cancel this appointment'),
    field('Reason for cancelling', reason),
    el('button', { type: 'submit', class: 'danger' }, 'Confirm cancellation'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      explain(new ApiError(422, 'VALIDATION_ERROR', 'Enter the reason for cancelling.'), $('#dialog-alert'));
      return;
    }
    await busy(event.submitter, async () => {
      try {
        await state.api.create(`/appointments/${a.id}/cancel`, { cancellation_reason: text });
        await done('Appointment cancelled.');
      } catch (error) {
        explain(error, $('#dialog-alert'));
      }
    });
  });
  panel.replaceChildren(form);
  reason.focus();
}

async function showReschedule(a, panel) {
  const z = zone();
  const from = [dateIn(z, a.start_time), today()].sort().at(-1);
  panel.replaceChildren(el('p', {}, 'Finding free times…'));
  let slots;
  try {
    slots = (await state.api.get('/availability', {
      appointment_template_id: a.appointment_type_id, clinician_profile_id: a.clinician_profile_id,
      date_from: from, date_to: addDays(from, 6),
    })).data.slots;
  } catch (error) {
    panel.replaceChildren();
    explain(error, $('#dialog-alert'));
    return;
  }
  const byDay = Map.groupBy(slots, s => dateIn(z, s.start_time));
  const heading = el('h3', { id: 'reschedule-title', tabindex: '-1' }, `Choose a new time with ${clinicianName(a.clinician_profile_id)}`);
  panel.replaceChildren(el('section', { class: 'panel', 'aria-labelledby': 'reschedule-title' }, heading,
    slots.length === 0 ? el('p', {}, 'No free times in the next 7 days.') : [...byDay].map(([date, daySlots]) => el('div', {},
      el('h4', {}, dayTitle(date)),
      el('ul', { class: 'slots' }, daySlots.map(s => el('li', {}, el('button', {
        type: 'button', class: 'slot', 'aria-label': `Move to ${dayTitle(date)} ${clock(z, s.start_time)}`,
        onclick: e => reschedule(a, s, e.target),
      }, clock(z, s.start_time)))))))));
  heading.focus();
}

async function reschedule(a, slot, button) {
  await busy(button, async () => {
    try {
      const body = { start_time: slot.start_time, end_time: slot.end_time };
      if (slot.location_id) {
        body.location_id = slot.location_id;
      }
      await state.api.write('PATCH', `/appointments/${a.id}`, body);
      await done(`Moved to ${when(zone(), slot.start_time, slot.end_time)}.`);
    } catch (error) {
      explain(error, $('#dialog-alert'));
    }
  });
}

// ---------------------------------------------------------------------------------------------- booking

function openBooking(slot) {
  clearAlert();
  const z = locationOf(slot.location_id)?.timezone ?? zone();
  const chosen = { patient: null };
  const patientLine = el('p', { id: 'chosen-patient', class: 'chosen' }, 'No patient chosen yet.');
  const results = el('div', { id: 'patient-results', 'aria-live': 'polite' });
  const search = el('input', { id: 'patient-search', type: 'search', autocomplete: 'off', maxlength: '200' });
  const choose = patient => {
    chosen.patient = patient;
    patientLine.textContent = `Patient: ${patient.first_name} ${patient.last_name}, born ${birthDate(patient.date_of_birth)}`;
    results.replaceChildren();
    $('#book-button').focus();
  };
  const searchForm = el('form', { role: 'search', 'aria-label': 'Patients', class: 'inline' },
    field('Search patients', search, 'Name, date of birth, phone, email or NHS number'),
    el('button', { type: 'submit' }, 'Search'));
  search.setAttribute('aria-describedby', 'patient-search-hint');
  searchForm.addEventListener('submit', async event => {
    event.preventDefault();
    const text = search.value.trim();
    if (!text) {
      return;
    }
    try {
      const { data } = await state.api.get('/patients', { search: text, limit: 10 });
      results.replaceChildren(data.length === 0 ? el('p', {}, `No patients match “${text}”.`)
        : el('ul', { class: 'matches', 'aria-label': `Patients matching ${text}` }, data.map(p => el('li', {},
          el('button', { type: 'button', class: 'match', onclick: () => choose(p) },
            `Choose ${p.first_name} ${p.last_name}, born ${birthDate(p.date_of_birth)}`)))));
    } catch (error) {
      explain(error, $('#dialog-alert'));
    }
  });
  const newPatient = el('form', { class: 'panel', 'aria-labelledby': 'new-patient-title' },
    el('h3', { id: 'new-patient-title' }, 'Or add a new patient'),
    field('First name', el('input', { id: 'np-first_name', name: 'first_name', autocomplete: 'off', maxlength: '100' })),
    field('Last name', el('input', { id: 'np-last_name', name: 'last_name', autocomplete: 'off', maxlength: '100' })),
    field('Date of birth', el('input', { id: 'np-date_of_birth', name: 'date_of_birth', type: 'date' })),
    field('Email (optional)', el('input', { id: 'np-email', name: 'email', type: 'email', autocomplete: 'off', maxlength: '254' })),
    el('button', { type: 'submit' }, 'Add patient'));
  newPatient.addEventListener('submit', async event => {
    event.preventDefault();
    const body = Object.fromEntries([...new FormData(newPatient)].map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
    await busy(event.submitter, async () => {
      try {
        choose((await state.api.create('/patients', body)).data);
        newPatient.reset();
      } catch (error) {
        explain(error, $('#dialog-alert'));
      }
    });
  });
  const notes = el('textarea', { id: 'book-notes', rows: '2', maxlength: '2000' });
  const needs = state.services.find(t => t.id === state.service)?.required_resource_types ?? [];
  const rooms = needs.map(type => el('select', { id: `book-resource-${type}` }, el('option', { value: '' }, 'Any free one (picked when booked)'),
    (state.resources ?? []).filter(r => r.is_active && r.type === type && r.location_id === slot.location_id).map(r => el('option', { value: r.id }, r.name))));
  const bookForm = el('form', { class: 'panel' }, patientLine,
    rooms.map((select, i) => field(needs[i] === 'room' ? 'Room' : `${RESOURCE_TYPES[needs[i]] ?? needs[i]}`, select)),
    field('Notes (optional)', notes),
    el('button', { type: 'submit', id: 'book-button' }, 'Book'));
  bookForm.addEventListener('submit', async event => {
    event.preventDefault();
    if (!chosen.patient) {
      explain(new ApiError(422, 'VALIDATION_ERROR', 'Choose or add the patient first.'), $('#dialog-alert'));
      return;
    }
    const body = {
      patient_id: chosen.patient.id, appointment_type_id: state.service, clinician_profile_id: slot.clinician_profile_id,
      title: serviceName(state.service), start_time: slot.start_time, end_time: slot.end_time,
    };
    if (slot.location_id) {
      body.location_id = slot.location_id;
    }
    if (notes.value.trim()) {
      body.description = notes.value.trim();
    }
    const picked = rooms.map(select => select.value).filter(Boolean);
    if (picked.length) {
      body.resource_ids = picked;
    }
    await busy(event.submitter, async () => {
      try {
        const booked = (await state.api.create('/appointments', body)).data;
        const taken = booked.resource_ids ? ` In ${booked.resource_ids.map(resourceName).join(', ')}.` : '';
        await done(`Booked ${chosen.patient.first_name} ${chosen.patient.last_name} at ${when(z, slot.start_time, slot.end_time)}.${taken}`);
      } catch (error) {
        explain(error, $('#dialog-alert'));
      }
    });
  });
  openDialog(`Book ${clock(z, slot.start_time)} on ${dayTitle(dateIn(z, slot.start_time))}`,
    el('p', { class: 'summary' }, `${serviceName(state.service)} with ${clinicianName(slot.clinician_profile_id)} at ${locationOf(slot.location_id)?.name ?? '—'}, ${when(z, slot.start_time, slot.end_time)}.`),
    searchForm, results, newPatient, bookForm);
  search.focus();
}

// ---------------------------------------------------------------------------------------------- rota

/**
 * Sends a rota or directory change, then redraws the screen (<refresh>); a 409 naming stranded appointments is shown
 * with the choice to save anyway.
 */
async function save(method, path, body, what, refresh = showRota) {
  clearAlert();
  say('');
  try {
    const { data } = await state.api.write(method, path, body);
    const stranded = data?.stranded_appointment_ids ?? [];
    await refresh();
    say(stranded.length
      ? `${what} saved. ${stranded.length} appointment${stranded.length === 1 ? ' stays' : 's stay'} booked outside working time: ${stranded.join(', ')}.`
      : `${what} saved.`);
  } catch (error) {
    if (error instanceof ApiError && error.stranded.length && !body?.force) {
      showStranded(error, () => save(method, path, { ...body, force: true }, what, refresh));
    } else {
      explain(error);
    }
  }
}

function showStranded(error, force) {
  const n = error.stranded.length;
  const alert = $('#alert');
  alert.replaceChildren(el('div', { class: 'stranded' },
    el('h2', {}, `This change would leave ${n} booked appointment${n === 1 ? '' : 's'} outside working time`),
    el('ul', {}, error.details.map(d => el('li', {}, d.message))),
    el('p', { class: 'warning' }, 'Saving anyway keeps these appointments exactly as they are: they are not cancelled or moved, ' +
      'and the patients are not told. Move or cancel them from the diary, or contact the patients yourself.'),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'danger', onclick: force }, 'Save anyway'),
      el('button', { type: 'button', onclick: () => { clearAlert(); say('Nothing was changed.'); } }, 'Don’t save'))));
  alert.focus();
}

function sessionForm(kind) {
  const id = name => `${kind}-${name}`;
  const form = el('form', { class: 'panel', 'aria-labelledby': id('title') },
    el('h3', { id: id('title') }, kind === 'weekly' ? 'Add a weekly session' : 'Add a one-off session'),
    el('div', { class: 'row' },
      field('Location', el('select', { id: id('location'), name: 'location_id', required: true }, options(state.locations, state.locations[0]?.id, 'Choose…'))),
      kind === 'weekly'
        ? field('Day of the week', el('select', { id: id('weekday'), name: 'weekday' }, WEEKDAYS.map(d => el('option', { value: d }, d[0].toUpperCase() + d.slice(1)))))
        : field('Date', el('input', { id: id('date'), name: 'date', type: 'date', required: true })),
      field('Starts', el('input', { id: id('start'), name: 'start_time', type: 'time', required: true, value: '09:00' })),
      field('Ends', el('input', { id: id('end'), name: 'end_time', type: 'time', required: true, value: '17:00' }))),
    el('button', { type: 'submit' }, 'Add session'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    save('POST', `/clinician-profiles/${state.rotaClinician}/sessions`, Object.fromEntries(new FormData(form)), 'Session');
  });
  return form;
}

/** Whole local days away (a clinician's block) or closed (a location's closure). */
function daysForm(prefix, title, reasons, path, what, refresh) {
  const id = name => `${prefix}-${name}`;
  const form = el('form', { class: 'panel', 'aria-labelledby': id('title') },
    el('h3', { id: id('title') }, title),
    el('div', { class: 'row' },
      field('First day', el('input', { id: id('start'), name: 'start_time', type: 'date', required: true })),
      field('Last day', el('input', { id: id('end'), name: 'end_time', type: 'date', required: true })),
      field('Reason', el('select', { id: id('reason'), name: 'reason' }, reasons.map(r => el('option', { value: r }, REASONS[r])))),
      field('Note (optional)', el('input', { id: id('note'), name: 'note', maxlength: '500' }))),
    el('button', { type: 'submit' }, `Add ${what.toLowerCase()}`));
  form.addEventListener('submit', event => {
    event.preventDefault();
    save('POST', path, Object.fromEntries([...new FormData(form)].filter(([, v]) => v.trim())), what, refresh);
  });
  return form;
}

/** "Monday 11 March to Friday 15 March 2030" for whole local days, else the times. */
function period(item) {
  const z = zone();
  if (clock(z, item.start_time) !== '00:00' || clock(z, item.end_time) !== '00:00') {
    return `${when(z, item.start_time, item.start_time)} to ${when(z, item.end_time, item.end_time)}`.replace(/–\d\d:\d\d/g, '');
  }
  const first = dateIn(z, item.start_time);
  const last = addDays(dateIn(z, item.end_time), -1);
  return first === last ? `${dayTitle(first)} ${first.slice(0, 4)}` : `${dayTitle(first)} to ${dayTitle(last)} ${last.slice(0, 4)}`;
}

function removeButton(label, path, what, refresh = showRota) {
  return el('button', { type: 'button', class: 'quiet', 'aria-label': label, onclick: () => save('DELETE', path, undefined, what, refresh) }, 'Remove');
}

async function showRota() {
  state.view = 'rota';
  markNav();
  state.rotaClinician ||= state.clinicians[0]?.id ?? '';
  const c = state.rotaClinician;
  const picker = el('select', { id: 'rota-clinician', onchange: e => { state.rotaClinician = e.target.value; showRota(); } },
    state.clinicians.map(x => el('option', { value: x.id, selected: x.id === c }, x.name)));
  const heading = el('h1', { id: 'rota-title', tabindex: '-1' }, 'Rota');
  $('#view').replaceChildren(heading, el('form', { class: 'controls', onsubmit: e => e.preventDefault() }, field('Clinician', picker)),
    el('div', { id: 'rota', 'aria-busy': 'true' }, el('p', {}, 'Loading…')));
  if (!c) {
    $('#rota').replaceChildren(el('p', {}, 'There are no clinicians yet.'));
    return;
  }
  try {
    const [sessions, blocks] = await Promise.all([
      all(`/clinician-profiles/${c}/sessions`),
      all(`/clinician-profiles/${c}/blocks`, { end_time_gte: `${today()}T00:00:00Z` }),
    ]);
    const name = clinicianName(c);
    const sessionRow = s => el('li', {},
      `${s.type === 'weekly' ? `Every ${s.weekday[0].toUpperCase()}${s.weekday.slice(1)}` : dayTitle(s.date) + ' ' + s.date.slice(0, 4)}, ` +
      `${s.start_time}–${s.end_time} at ${locationOf(s.location_id)?.name ?? s.location_id}` +
      `${s.valid_from ? ` from ${s.valid_from}` : ''}${s.valid_until ? ` until ${s.valid_until}` : ''} `,
      removeButton(`Remove ${s.type === 'weekly' ? s.weekday : s.date} ${s.start_time}–${s.end_time} session`,
        `/clinician-profiles/${c}/sessions/${s.id}`, 'Removal'));
    const weekly = sessions.filter(s => s.type === 'weekly').sort((a, b) => WEEKDAYS.indexOf(a.weekday) - WEEKDAYS.indexOf(b.weekday) || a.start_time.localeCompare(b.start_time));
    const oneOff = sessions.filter(s => s.type === 'one_off').sort((a, b) => (a.date + a.start_time).localeCompare(b.date + b.start_time));
    $('#rota').replaceChildren(
      el('section', { 'aria-labelledby': 'weekly-title' }, el('h2', { id: 'weekly-title' }, `Weekly sessions of ${name}`),
        weekly.length ? el('ul', { class: 'rows', id: 'weekly-sessions' }, weekly.map(sessionRow)) : el('p', {}, 'None.'), sessionForm('weekly')),
      el('section', { 'aria-labelledby': 'oneoff-title' }, el('h2', { id: 'oneoff-title' }, 'One-off sessions'),
        oneOff.length ? el('ul', { class: 'rows', id: 'one-off-sessions' }, oneOff.map(sessionRow)) : el('p', {}, 'None.'), sessionForm('one-off')),
      el('section', { 'aria-labelledby': 'away-title' }, el('h2', { id: 'away-title' }, 'Leave and time away (current and future)'),
        blocks.length ? el('ul', { class: 'rows', id: 'blocks' }, blocks.map(b => el('li', {},
          `${REASONS[b.reason] ?? b.reason}: ${period(b)}${b.note ? ` (${b.note})` : ''} `,
          removeButton(`Remove ${(REASONS[b.reason] ?? b.reason).toLowerCase()} from ${dateIn(zone(), b.start_time)}`, `/clinician-profiles/${c}/blocks/${b.id}`, 'Removal'))))
          : el('p', {}, 'None.'),
        daysForm('leave', 'Add leave or other time away', ['leave', 'training', 'sickness', 'other'], `/clinician-profiles/${c}/blocks`, 'Time away')));
  } catch (error) {
    explain(error);
  } finally {
    $('#rota').removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------- directory

async function loadDirectory() {
  [state.clinicians, state.locations, state.services, state.resources] = await Promise.all([
    all('/clinician-profiles', { is_active: 'true' }),
    all('/locations', { is_active: 'true' }),
    all('/appointment-templates', { is_active: 'true' }),
    // A role without read_locations still has the diary, without room names.
    all('/resources').catch(error => (error instanceof ApiError && error.status === 403 ? [] : Promise.reject(error))),
  ]);
}

const refreshDirectory = async () => {
  await loadDirectory();
  await showDirectory();
};

function checkbox(id, name, label, checked, value = 'true') {
  return el('div', { class: 'check' }, el('input', { id, name, type: 'checkbox', value, checked }), el('label', { for: id }, label));
}

function clinicianForm(c) {
  const id = name => `${c?.id ?? 'new-clinician'}-${name}`;
  const form = el('form', { class: 'panel', 'aria-label': c ? `Edit ${c.name}` : 'Add a clinician' },
    el('div', { class: 'row' },
      field('Name', el('input', { id: id('name'), name: 'name', required: true, maxlength: '200', value: c?.name ?? '' })),
      field('Job title', el('input', { id: id('role'), name: 'role', maxlength: '200', value: c?.role ?? '' })),
      field('Email', el('input', { id: id('email'), name: 'email', type: 'email', maxlength: '254', value: c?.email ?? '' }))),
    el('fieldset', {}, el('legend', {}, 'Services provided (none ticked: every service)'),
      state.services.map(t => checkbox(id(t.id), 'appointment_template_ids', t.name, c?.appointment_template_ids.includes(t.id), t.id))),
    checkbox(id('online'), 'is_bookable_online', 'Bookable online', c ? c.is_bookable_online : true),
    c ? checkbox(id('active'), 'is_active', 'Active (untick to deactivate)', true) : null,
    el('button', { type: 'submit' }, c ? 'Save clinician' : 'Add clinician'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      name: data.get('name').trim(), role: data.get('role').trim() || null, email: data.get('email').trim() || null,
      appointment_template_ids: data.getAll('appointment_template_ids'), is_bookable_online: data.has('is_bookable_online'),
    };
    if (c) {
      body.is_active = data.has('is_active');
      save('PATCH', `/clinician-profiles/${c.id}`, body, 'Clinician', refreshDirectory);
    } else {
      save('POST', '/clinician-profiles', body, 'Clinician', refreshDirectory);
    }
  });
  return form;
}

function locationForm(l) {
  const id = name => `${l?.id ?? 'new-location'}-${name}`;
  const form = el('form', { class: 'panel', 'aria-label': l ? `Edit ${l.name}` : 'Add a location' },
    el('div', { class: 'row' },
      field('Name', el('input', { id: id('name'), name: 'name', required: true, maxlength: '200', value: l?.name ?? '' })),
      field('Postcode', el('input', { id: id('postcode'), name: 'postcode', maxlength: '20', value: l?.postcode ?? '' })),
      field('Phone', el('input', { id: id('phone'), name: 'phone', type: 'tel', maxlength: '50', value: l?.phone ?? '' })),
      field('Time zone', el('input', { id: id('timezone'), name: 'timezone', maxlength: '100', value: l?.timezone ?? 'Europe/London' }))),
    l ? checkbox(id('active'), 'is_active', 'Active (untick to deactivate)', true) : null,
    el('button', { type: 'submit' }, l ? 'Save location' : 'Add location'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    const body = Object.fromEntries(['name', 'postcode', 'phone', 'timezone'].map(k => [k, data.get(k).trim() || null]));
    if (l) {
      body.is_active = data.has('is_active');
    }
    save(l ? 'PATCH' : 'POST', l ? `/locations/${l.id}` : '/locations', body, 'Location', refreshDirectory);
  });
  return form;
}

async function showDirectory() {
  state.view = 'directory';
  markNav();
  $('#view').replaceChildren(el('h1', { id: 'directory-title', tabindex: '-1' }, 'Directory'), el('div', { id: 'directory', 'aria-busy': 'true' }, el('p', {}, 'Loading…')));
  try {
    const closures = await Promise.all(state.locations.map(l => all(`/locations/${l.id}/closures`, { end_time_gte: `${today()}T00:00:00Z` })));
    $('#directory').replaceChildren(
      el('section', { 'aria-labelledby': 'clinicians-title' }, el('h2', { id: 'clinicians-title' }, 'Clinicians'),
        state.clinicians.map(c => el('details', { class: 'record' }, el('summary', {}, c.name), clinicianForm(c))),
        el('details', { class: 'record' }, el('summary', {}, 'Add a clinician'), clinicianForm(null))),
      el('section', { 'aria-labelledby': 'locations-title' }, el('h2', { id: 'locations-title' }, 'Locations'),
        state.locations.map((l, i) => el('details', { class: 'record' }, el('summary', {}, l.name), locationForm(l),
          el('h3', {}, `Closures of ${l.name} (current and future)`),
          closures[i].length ? el('ul', { class: 'rows', id: `closures-${l.id}` }, closures[i].map(x => el('li', {},
            `${REASONS[x.reason] ?? x.reason}: ${period(x)}${x.note ? ` (${x.note})` : ''} `,
            removeButton(`Remove closure from ${dateIn(zone(), x.start_time)}`, `/locations/${l.id}/closures/${x.id}`, 'Removal', refreshDirectory))))
            : el('p', {}, 'None.'),
          daysForm(`closure-${l.id}`, `Close ${l.name}`, ['bank_holiday', 'closed', 'other'], `/locations/${l.id}/closures`, 'Closure', refreshDirectory))),
        el('details', { class: 'record' }, el('summary', {}, 'Add a location'), locationForm(null))));
  } catch (error) {
    explain(error);
  } finally {
    $('#directory').removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------- patient

const EPISODE_STATUS = { open: 'Open', pending_patient: 'Waiting for the patient', awaiting_review: 'Awaiting review', closed: 'Closed' };

async function showPatient(id) {
  state.view = 'patient';
  markNav();
  clearAlert();
  $('#view').replaceChildren(el('p', {}, 'Loading…'));
  try {
    const [patient, appointments, episodes] = await Promise.all([
      state.api.get(`/patients/${id}`).then(r => r.data),
      all('/appointments', { patient_id: id }),
      all('/episodes', { patient_id: id }),
    ]);
    const details = el('dl', { class: 'details' });
    for (const [label, value] of [['Date of birth', birthDate(patient.date_of_birth)], ['Email', patient.email],
      ['Phone', patient.phone], ['NHS number', patient.nhs_number]].filter(([, v]) => v)) {
      details.append(el('dt', {}, label), el('dd', { 'data-field': label }, value));
    }
    const z = zone();
    appointments.sort((a, b) => b.start_time.localeCompare(a.start_time));
    const heading = el('h1', { id: 'patient-title', tabindex: '-1' }, `${patient.first_name} ${patient.last_name}`);
    $('#view').replaceChildren(heading, details,
      el('section', { 'aria-labelledby': 'patient-appointments' }, el('h2', { id: 'patient-appointments' }, 'Appointments'),
        appointments.length ? el('ul', { class: 'appts' }, appointments.map(a => el('li', { class: `appt status-${a.status}` },
          el('button', { type: 'button', class: 'appt-button', 'data-appointment': a.id, onclick: () => openAppointment(a.id) },
            `${when(z, a.start_time, a.end_time)} · ${a.title} · ${clinicianName(a.clinician_profile_id)} · ${STATUS[a.status] ?? a.status}`))))
          : el('p', {}, 'None.')),
      el('section', { 'aria-labelledby': 'patient-episodes' }, el('h2', { id: 'patient-episodes' }, 'Episodes'),
        episodes.length ? el('ul', { class: 'rows', id: 'episodes' }, episodes.map(e => el('li', {},
          `${e.title} · ${EPISODE_STATUS[e.status] ?? e.status}${e.priority ? ` · priority ${e.priority}` : ''}`)))
          : el('p', {}, 'None.')));
    heading.focus();
  } catch (error) {
    explain(error);
  }
}

// ---------------------------------------------------------------------------------------------- episodes

const PRIORITIES = ['low', 'medium', 'high', 'urgent'];

async function episodeAction(episode, action, body, what) {
  await save('POST', `/episodes/${episode.id}/${action}`, body, what, showInbox);
}

function episodeItem(e) {
  const priority = el('select', { id: `${e.id}-priority` }, PRIORITIES.map(p => el('option', { value: p, selected: p === e.priority }, p[0].toUpperCase() + p.slice(1))));
  const note = el('input', { id: `${e.id}-note`, maxlength: '500' });
  const mine = e.assigned_to === state.user.id;
  return el('details', { class: 'record', 'data-episode': e.id },
    el('summary', {}, `${e.title} · ${EPISODE_STATUS[e.status] ?? e.status} · priority ${e.priority}${mine ? ' · assigned to you' : e.assigned_to ? ' · assigned' : ''}`),
    e.description ? el('p', {}, e.description) : null,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'quiet', onclick: () => showPatient(e.patient_id) }, 'Open patient page'),
      el('button', { type: 'button', onclick: () => episodeAction(e, 'assign', { assigned_to: mine ? null : state.user.id }, 'Assignment') },
        mine ? 'Unassign me' : 'Assign to me')),
    el('div', { class: 'row' }, field('Priority', priority),
      el('button', { type: 'button', onclick: () => episodeAction(e, 'change-priority', { priority: priority.value }, 'Priority') }, 'Change priority')),
    el('div', { class: 'row' }, field('Closing note (optional)', note),
      el('button', { type: 'button', class: 'danger', onclick: () => episodeAction(e, 'close', note.value.trim() ? { note: note.value.trim() } : {}, 'Episode closure') }, 'Close episode')));
}

async function showInbox() {
  state.view = 'inbox';
  markNav();
  $('#view').replaceChildren(el('h1', { id: 'inbox-title', tabindex: '-1' }, 'Episodes inbox'), el('div', { id: 'inbox', 'aria-busy': 'true' }, el('p', {}, 'Loading…')));
  try {
    const episodes = await all('/episodes', { status_in: 'open,pending_patient,awaiting_review', inbox_visibility: 'surface' });
    $('#inbox').replaceChildren(episodes.length ? el('div', {}, episodes.map(episodeItem)) : el('p', {}, 'Nothing in the inbox.'));
  } catch (error) {
    explain(error);
  } finally {
    $('#inbox').removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------- messages

const TRIGGERS = { booked: 'Confirmation', reminder: 'Reminder', rescheduled: 'Moved', cancelled: 'Cancelled', follow_up: 'Follow-up' };
const CHANNELS = { email: 'email', sms: 'text message' };
const templateTitle = t => `${TRIGGERS[t.trigger] ?? t.trigger} (${CHANNELS[t.channel] ?? t.channel})`;

function quietHoursForm(settings) {
  const quiet = settings.quiet_hours;
  const time = (id, value) => el('input', { id, value, maxlength: 5, inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': 'quiet-hint' });
  const start = time('quiet-start', quiet?.start ?? '');
  const end = time('quiet-end', quiet?.end ?? '');
  const form = el('form', { class: 'inline', 'aria-labelledby': 'quiet-title' },
    el('h2', { id: 'quiet-title' }, 'Quiet hours'),
    el('p', { class: 'hint', id: 'quiet-hint' },
      'No message goes out between these times, written HH:MM (each location\'s local time, e.g. 21:00 until 08:00); both empty: none.'),
    el('div', { class: 'row' }, field('From', start), field('Until', end)),
    el('button', { type: 'submit' }, 'Save quiet hours'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const body = { quiet_hours: start.value || end.value ? { start: start.value, end: end.value } : null };
    save('PATCH', '/notification-settings', body, 'Quiet hours', showMessages);
  });
  return form;
}

function templateForm(t) {
  const key = `${t.trigger}-${t.channel}`;
  const subject = t.channel === 'email' ? el('input', { id: `subject-${key}`, name: 'subject', value: t.subject ?? '', maxlength: 200 }) : null;
  const text = el('textarea', { id: `text-${key}`, name: 'text', rows: 8 }, t.text);
  const html = t.channel === 'email' ? el('textarea', { id: `html-${key}`, name: 'html', rows: 6 }, t.html ?? '') : null;
  const form = el('form', { 'aria-label': `Edit ${templateTitle(t)}` },
    subject ? field('Subject', subject) : null,
    field('Text', text, 'Placeholders are written {{name}}, e.g. {{patient_first_name}}, {{start_time}}, {{manage_url}}.'),
    html ? field('HTML (optional)', html, 'Left empty, the email\'s HTML is made from the text.') : null,
    el('div', { class: 'row' },
      el('button', { type: 'submit' }, 'Save wording'),
      t.is_default ? null : el('button', {
        type: 'button', class: 'quiet',
        onclick: () => save('DELETE', `/message-templates/${t.trigger}/${t.channel}`, undefined, 'Default wording', showMessages),
      }, 'Reset to Leap\'s wording')));
  text.setAttribute('aria-describedby', `text-${key}-hint`);
  html?.setAttribute('aria-describedby', `html-${key}-hint`);
  form.addEventListener('submit', event => {
    event.preventDefault();
    const body = { text: text.value };
    if (subject) {
      body.subject = subject.value;
      body.html = html.value.trim() || null;
    }
    save('PATCH', `/message-templates/${t.trigger}/${t.channel}`, body, 'Wording', showMessages);
  });
  return form;
}

async function showMessages() {
  state.view = 'messages';
  markNav();
  $('#view').replaceChildren(el('h1', { id: 'messages-title', tabindex: '-1' }, 'Patient messages'), el('div', { id: 'messages', 'aria-busy': 'true' }, el('p', {}, 'Loading…')));
  try {
    const [{ data: settings }, templates] = await Promise.all([state.api.get('/notification-settings'), all('/message-templates')]);
    const delivery = settings.email_delivery === 'smtp' ? 'through the clinic\'s mail server' : 'to the server\'s pickup folder (no mail server is set up)';
    $('#messages').replaceChildren(
      el('p', {}, `Email goes ${delivery}; text messages: ${settings.sms_provider === 'none' ? 'not set up' : settings.sms_provider}.`),
      quietHoursForm(settings),
      el('section', { 'aria-labelledby': 'wording-title' }, el('h2', { id: 'wording-title' }, 'Wording'),
        templates.map(t => el('details', { class: 'record', id: `template-${t.trigger}-${t.channel}` },
          el('summary', {}, `${templateTitle(t)}${t.is_default ? '' : ' (changed)'}`), templateForm(t)))));
  } catch (error) {
    explain(error);
  } finally {
    $('#messages').removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------- patient picker

/** A patient search whose matches fill a select (for the series and waitlist forms); answers the chosen patient's id. */
function patientPicker(prefix) {
  const search = el('input', { id: `${prefix}-patient-search`, type: 'search', autocomplete: 'off', maxlength: '200' });
  const choice = el('select', { id: `${prefix}-patient`, name: 'patient_id', required: true }, el('option', { value: '' }, 'Search first'));
  const find = async () => {
    const text = search.value.trim();
    if (!text) {
      return;
    }
    try {
      const { data } = await state.api.get('/patients', { search: text, limit: 10 });
      choice.replaceChildren(...(data.length ? [] : [el('option', { value: '' }, `No patients match “${text}”`)]),
        ...data.map(p => el('option', { value: p.id }, `${p.first_name} ${p.last_name}, born ${birthDate(p.date_of_birth)}`)));
      say(data.length ? `${data.length} patient${data.length === 1 ? '' : 's'} found: choose one from Patient.` : `No patients match “${text}”.`);
    } catch (error) {
      explain(error);
    }
  };
  search.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); find(); } });
  return el('div', { class: 'row' }, field('Find the patient', search, 'Name, date of birth, phone, email or NHS number; Enter searches'),
    el('button', { type: 'button', onclick: find }, 'Find patient'), field('Patient', choice));
}

const patientNames = async ids => {
  const names = new Map();
  await Promise.all([...new Set(ids)].map(async id => {
    try {
      const p = (await state.api.get(`/patients/${id}`)).data;
      names.set(id, `${p.first_name} ${p.last_name}`);
    } catch {
      names.set(id, id);
    }
  }));
  return names;
};

// ---------------------------------------------------------------------------------------------- series

const FREQUENCY = { daily: 'day', weekly: 'week', monthly: 'month' };

function conflictRows(conflicts) {
  const z = zone();
  return el('ul', { class: 'rows' }, conflicts.map(c => el('li', {},
    `${when(z, c.start_time, c.end_time)}: ${c.conflict_type === 'hold' ? 'held by another booking in progress' : 'another appointment is booked'}`)));
}

function seriesForm(result) {
  const form = el('form', { class: 'panel', 'aria-labelledby': 'series-form-title' },
    el('h2', { id: 'series-form-title' }, 'Book a recurring series'),
    patientPicker('series'),
    el('div', { class: 'row' },
      field('Service', el('select', { id: 'series-template', name: 'appointment_type_id', required: true }, options(state.services, state.service, 'Choose…'))),
      field('Clinician', el('select', { id: 'series-clinician', name: 'clinician_profile_id', required: true }, options(state.clinicians, state.clinician || state.clinicians[0]?.id, 'Choose…'))),
      field('Location', el('select', { id: 'series-location', name: 'location_id', required: true }, options(state.locations, state.location || state.locations[0]?.id, 'Choose…')))),
    el('div', { class: 'row' },
      field('First date', el('input', { id: 'series-date', name: 'date', type: 'date', required: true })),
      field('Starts', el('input', { id: 'series-start', name: 'start', type: 'time', required: true, value: '09:00' })),
      field('Ends', el('input', { id: 'series-end', name: 'end', type: 'time', required: true, value: '09:30' }))),
    el('div', { class: 'row' },
      field('Repeats every', el('select', { id: 'series-frequency', name: 'frequency' },
        Object.entries(FREQUENCY).map(([value, label]) => el('option', { value }, label)))),
      field('Interval', el('input', { id: 'series-interval', name: 'interval', type: 'number', min: '1', max: '99', value: '1' }), 'Every 1, 2, … days, weeks or months'),
      field('Number of appointments', el('input', { id: 'series-count', name: 'count', type: 'number', min: '1', max: '52', value: '4' }), 'Or leave empty and give the last date'),
      field('Last date (optional)', el('input', { id: 'series-until', name: 'until', type: 'date' }))),
    checkbox('series-skip', 'skip_conflicts', 'Skip the dates that are taken (book the rest)', false),
    el('button', { type: 'submit' }, 'Book series'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(form);
    const location = locationOf(data.get('location_id'));
    const z = location?.timezone ?? zone();
    const instant = time => localInstant(z, data.get('date'), time);
    const recurrence = { frequency: data.get('frequency'), interval: Number(data.get('interval') || 1) };
    if (data.get('until')) {
      recurrence.until = data.get('until');
    } else {
      recurrence.count = Number(data.get('count'));
    }
    const body = {
      patient_id: data.get('patient_id'), appointment_type_id: data.get('appointment_type_id'),
      clinician_profile_id: data.get('clinician_profile_id'), location_id: data.get('location_id'),
      title: serviceName(data.get('appointment_type_id')),
      start_time: instant(data.get('start')), end_time: instant(data.get('end')),
      recurrence, skip_conflicts: data.has('skip_conflicts'),
    };
    clearAlert();
    await busy(event.submitter, async () => {
      try {
        const series = (await state.api.create('/appointment-series', body)).data;
        const heading = el('h2', { id: 'series-result-title', tabindex: '-1' }, `Series booked: ${series.appointments.length} appointment${series.appointments.length === 1 ? '' : 's'}`);
        result.replaceChildren(heading,
          el('ul', { class: 'rows', id: 'series-booked' }, series.appointments.map(a => el('li', {}, `${when(z, a.start_time, a.end_time)} · ${STATUS[a.status] ?? a.status}`))),
          ...(series.skipped?.length ? [el('h3', {}, `Not booked (taken): ${series.skipped.length}`), conflictRows(series.skipped)] : []));
        say(`Series booked: ${series.appointments.length} appointments.`);
        heading.focus();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'SERIES_CONFLICT') {
          const conflicts = error.facts.conflicts ?? [];
          const heading = el('h2', { id: 'series-result-title', tabindex: '-1' }, `Nothing booked: ${conflicts.length} date${conflicts.length === 1 ? ' is' : 's are'} taken`);
          result.replaceChildren(heading, el('div', { id: 'series-conflicts' }, conflictRows(conflicts)),
            el('p', {}, 'Choose other times, or tick “Skip the dates that are taken” to book the rest.'));
          heading.focus();
        } else {
          explain(error);
        }
      }
    });
  });
  return form;
}

/** The instant of a local date and time in a zone (the offset the zone has at that moment). */
function localInstant(z, date, time) {
  const guess = new Date(`${date}T${time}:00Z`);
  const local = new Date(new Intl.DateTimeFormat('en-CA', {
    timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).format(guess).replace(', ', 'T') + 'Z');
  return new Date(guess - (local - guess)).toISOString().replace('.000Z', 'Z');
}

function showSeries() {
  state.view = 'series';
  markNav();
  const result = el('section', { id: 'series-result', 'aria-live': 'polite' });
  $('#view').replaceChildren(el('h1', { id: 'series-title', tabindex: '-1' }, 'Recurring series'), seriesForm(result), result);
  return Promise.resolve();
}

// ---------------------------------------------------------------------------------------------- participants

async function participantsPanel(a, panel) {
  const participants = (await all(`/appointments/${a.id}/participants`)).filter(p => p.status === 'joined');
  const names = await patientNames(participants.map(p => p.patient_id));
  const seats = a.max_participants - participants.length;
  const heading = el('h3', { id: 'participants-title', tabindex: '-1' }, `Participants: ${participants.length} of ${a.max_participants}`);
  const active = ACTIVE.has(a.status);
  panel.replaceChildren(el('section', { class: 'panel', 'aria-labelledby': 'participants-title' }, heading,
    el('p', { id: 'seats-left' }, seats > 0 ? `${seats} place${seats === 1 ? '' : 's'} left.` : 'This session is full.'),
    el('ul', { class: 'rows', id: 'participants' }, participants.map(p => el('li', {}, `${names.get(p.patient_id)} `,
      active ? el('button', {
        type: 'button', class: 'quiet', 'aria-label': `Remove ${names.get(p.patient_id)}`,
        onclick: e => changeParticipants(a, panel, e.target, () => state.api.write('DELETE', `/appointments/${a.id}/participants/${p.patient_id}`),
          `${names.get(p.patient_id)} removed.`),
      }, 'Remove') : null))),
    active ? participantForm(a, panel) : null));
  return heading;
}

function participantForm(a, panel) {
  const form = el('form', { class: 'inline', 'aria-label': 'Add a participant' }, patientPicker('participant'), el('button', { type: 'submit' }, 'Add participant'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const patient = new FormData(form).get('patient_id');
    changeParticipants(a, panel, event.submitter, () => state.api.create(`/appointments/${a.id}/participants`, { patient_id: patient }), 'Participant added.');
  });
  return form;
}

async function changeParticipants(a, panel, button, send, message) {
  await busy(button, async () => {
    try {
      await send();
      const fresh = (await state.api.get(`/appointments/${a.id}`)).data;
      (await participantsPanel(fresh, panel)).focus();
      say(message);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'SESSION_FULL') {
        const { max_participants: max } = error.facts;
        explain(new ApiError(409, error.code, `This session is full: all ${max ?? a.max_participants} places are taken. Nobody was added.`), $('#dialog-alert'));
      } else {
        explain(error, $('#dialog-alert'));
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------- resources

const RESOURCE_TYPES = { room: 'Room', equipment: 'Equipment' };

async function showResources() {
  state.view = 'resources';
  markNav();
  $('#view').replaceChildren(el('h1', { id: 'resources-title', tabindex: '-1' }, 'Rooms and equipment'), el('div', { id: 'resources', 'aria-busy': 'true' }, el('p', {}, 'Loading…')));
  try {
    state.resources = await all('/resources');
    const form = el('form', { class: 'panel', 'aria-labelledby': 'resource-form-title' },
      el('h2', { id: 'resource-form-title' }, 'Add a room or equipment'),
      el('div', { class: 'row' },
        field('Name', el('input', { id: 'resource-name', name: 'name', required: true, maxlength: '200' })),
        field('Type', el('select', { id: 'resource-type', name: 'type' }, Object.entries(RESOURCE_TYPES).map(([v, l]) => el('option', { value: v }, l)))),
        field('Location', el('select', { id: 'resource-location', name: 'location_id', required: true }, options(state.locations, state.locations[0]?.id, 'Choose…')))),
      el('button', { type: 'submit' }, 'Add'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      save('POST', '/resources', Object.fromEntries(new FormData(form)), 'Room or equipment', showResources);
    });
    $('#resources').replaceChildren(
      state.resources.length ? el('ul', { class: 'rows', id: 'resource-list' }, state.resources.map(r => el('li', {},
        `${r.name} · ${RESOURCE_TYPES[r.type] ?? r.type} · ${locationOf(r.location_id)?.name ?? r.location_id}${r.is_active ? '' : ' · inactive'} `,
        r.is_active && state.canManage ? el('button', {
          type: 'button', class: 'quiet', 'aria-label': `Deactivate ${r.name}`,
          onclick: () => save('PATCH', `/resources/${r.id}`, { is_active: false }, 'Deactivation', showResources),
        }, 'Deactivate') : null)))
        : el('p', {}, 'None yet.'),
      state.canManage ? form : null);
  } catch (error) {
    explain(error);
  } finally {
    $('#resources').removeAttribute('aria-busy');
  }
}

const resourceName = id => state.resources?.find(r => r.id === id)?.name ?? id;

// ---------------------------------------------------------------------------------------------- waitlist

const WAITLIST_STATUS = { waiting: 'Waiting', offered: 'Offered a time', booked: 'Booked', removed: 'Removed', expired: 'Offer lapsed' };

async function showWaitlist() {
  state.view = 'waitlist';
  markNav();
  $('#view').replaceChildren(el('h1', { id: 'waitlist-title', tabindex: '-1' }, 'Waitlist'), el('div', { id: 'waitlist', 'aria-busy': 'true' }, el('p', {}, 'Loading…')));
  try {
    const entries = (await all('/waitlist-entries')).filter(e => e.status !== 'removed');
    const names = await patientNames(entries.map(e => e.patient_id));
    const z = zone();
    const form = el('form', { class: 'panel', 'aria-labelledby': 'waitlist-form-title' },
      el('h2', { id: 'waitlist-form-title' }, 'Add to the waitlist'),
      patientPicker('waitlist'),
      el('div', { class: 'row' },
        field('Service', el('select', { id: 'waitlist-template', name: 'appointment_template_id', required: true }, options(state.services, state.service, 'Choose…'))),
        field('Clinician (optional)', el('select', { id: 'waitlist-clinician', name: 'clinician_profile_id' }, options(state.clinicians, '', 'Anyone'))),
        field('Location (optional)', el('select', { id: 'waitlist-location', name: 'location_id' }, options(state.locations, '', 'Anywhere')))),
      el('div', { class: 'row' },
        field('Earliest date (optional)', el('input', { id: 'waitlist-earliest', name: 'earliest_date', type: 'date' })),
        field('Latest date (optional)', el('input', { id: 'waitlist-latest', name: 'latest_date', type: 'date' })),
        field('Priority', el('input', { id: 'waitlist-priority', name: 'priority', type: 'number', value: '0' }), 'Higher is offered first'),
        field('Notes (optional)', el('input', { id: 'waitlist-notes', name: 'notes', maxlength: '2000' }))),
      el('button', { type: 'submit' }, 'Add to waitlist'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      const body = Object.fromEntries([...new FormData(form)].filter(([, v]) => v.trim()));
      body.priority = Number(body.priority ?? 0);
      save('POST', '/waitlist-entries', body, 'Waitlist entry', showWaitlist);
    });
    $('#waitlist').replaceChildren(
      entries.length ? el('ul', { class: 'rows', id: 'waitlist-entries' }, entries.map(e => el('li', { 'data-entry': e.id },
        `${names.get(e.patient_id)} · ${serviceName(e.appointment_template_id) || e.appointment_template_id}` +
        `${e.clinician_profile_id ? ` with ${clinicianName(e.clinician_profile_id)}` : ''}` +
        `${e.earliest_date || e.latest_date ? ` · ${e.earliest_date ?? 'now'} to ${e.latest_date ?? 'any time'}` : ''}` +
        ` · priority ${e.priority} · ${WAITLIST_STATUS[e.status] ?? e.status}` +
        `${e.status === 'offered' ? `: ${when(z, e.offer_start_time, e.offer_end_time)}, until ${when(z, e.offer_expires_at, e.offer_expires_at).replace(/–.*/, '')}` : ''} `,
        ['waiting', 'offered'].includes(e.status) ? el('button', {
          type: 'button', class: 'quiet', 'aria-label': `Remove ${names.get(e.patient_id)} from the waitlist`,
          onclick: () => save('DELETE', `/waitlist-entries/${e.id}`, undefined, 'Removal', showWaitlist),
        }, 'Remove') : null)))
        : el('p', {}, 'Nobody is waiting.'),
      form);
  } catch (error) {
    explain(error);
  } finally {
    $('#waitlist').removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------- start

function markNav() {
  for (const button of document.querySelectorAll('button.nav')) {
    if (button.dataset.view === state.view) {
      button.setAttribute('aria-current', 'page');
    } else {
      button.removeAttribute('aria-current');
    }
  }
}

async function start() {
  let session;
  try {
    const response = await fetch('/app/session', { credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) {
      location.assign('/app/sign-in');
      return;
    }
    session = (await response.json()).data;
    state.api = new Api(null, { [session.antiforgery.header_name]: session.antiforgery.token });
    await loadDirectory();
  } catch (error) {
    explain(error);
    return;
  }
  state.date = today();
  // A clinician's diary opens on their own column; the rota is for those who may change it.
  state.clinician = session.user.clinician_profile_id ?? '';
  $('button.nav[data-view="rota"]').hidden = !session.scopes.includes('write_clinicians');
  state.user = session.user;
  $('button.nav[data-view="inbox"]').hidden = !session.scopes.includes('write_episodes');
  $('button.nav[data-view="directory"]').hidden = !session.scopes.includes('write_locations');
  $('button.nav[data-view="messages"]').hidden = !session.scopes.includes('write_appointment_templates');
  $('button.nav[data-view="series"]').hidden = !session.scopes.includes('write_appointments');
  $('button.nav[data-view="waitlist"]').hidden = !session.scopes.includes('write_appointments');
  $('button.nav[data-view="resources"]').hidden = !session.scopes.includes('read_locations');
  state.canManage = session.scopes.includes('write_locations');
  state.service = state.services[0]?.id ?? '';
  for (const button of document.querySelectorAll('button.nav')) {
    const show = {
      diary: showDiary, inbox: showInbox, rota: showRota, directory: showDirectory, messages: showMessages,
      series: showSeries, waitlist: showWaitlist, resources: showResources,
    }[button.dataset.view];
    button.addEventListener('click', () => show().then(() => $(`#${button.dataset.view}-title`)?.focus()));
  }
  await showDiary(false);
}

start();
