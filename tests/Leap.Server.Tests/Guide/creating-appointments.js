// The JavaScript of Jump's "Creating Appointments" guide, exactly as published (whitespace aside):
// the tests run it under Node against a Leap server, changing only API_BASE and defining API_KEY.
const API_BASE = 'https://app.usejump.co.uk/functions/v1/api-v1';
async function getAppointmentTemplates() {
const response = await fetch(`${API_BASE}/appointment-templates?is_active=true`, {
headers: { 'Authorization': `Bearer ${API_KEY}` }
});
const { data } = await response.json();
return data;
}
async function searchPatients(query) {
const response = await fetch(
`${API_BASE}/patients?search=${encodeURIComponent(query)}&limit=5`,
{ headers: { 'Authorization': `Bearer ${API_KEY}` } }
);
const { data } = await response.json();
return data;
}
async function createPatient(patientData) {
const response = await fetch(`${API_BASE}/patients`, {
method: 'POST',
headers: {
'Authorization': `Bearer ${API_KEY}`,
'Content-Type': 'application/json'
},
body: JSON.stringify({
first_name: patientData.firstName,
last_name: patientData.lastName,
date_of_birth: patientData.dateOfBirth,
email: patientData.email,
phone: patientData.phone
})
});
const { data } = await response.json();
return data;
}
async function createAppointment(patientId, template, startTime) {
const endTime = new Date(
new Date(startTime).getTime() + template.duration * 60000
).toISOString();
const response = await fetch(`${API_BASE}/appointments`, {
method: 'POST',
headers: {
'Authorization': `Bearer ${API_KEY}`,
'Content-Type': 'application/json',
'Idempotency-Key': crypto.randomUUID() // Prevents double-booking on retry
},
body: JSON.stringify({
patient_id: patientId,
appointment_type_id: template.id,
title: template.name,
start_time: startTime,
end_time: endTime,
status: 'confirmed'
})
});
if (!response.ok) {
const { error } = await response.json();
throw new Error(error.message);
}
const { data } = await response.json();
return data;
}
async function fetchWithRetry(url, options, maxRetries = 3) {
for (let attempt = 0; attempt < maxRetries; attempt++) {
const response = await fetch(url, options);
if (response.status === 429) {
const delay = Math.pow(2, attempt) * 1000;
await new Promise(resolve => setTimeout(resolve, delay));
continue;
}
return response;
}
throw new Error('Max retries exceeded');
}
