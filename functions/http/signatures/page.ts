import { escapeHtml } from '../../../shared/email/letter';

/**
 * The built-in signer's page: the invoice PDF, and a typed or drawn signature (or a decline),
 * posted as JSON to the same URL. Self-contained: inline style and script, no third party.
 */
export function signingPage(input: { documentName: string; projectName: string; signerName: string; senderName: string; pdfUrl: string; expiresAt: string }): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign ${e(input.documentName)}</title>
<style>
body{font-family:Arial,Helvetica,sans-serif;color:#1f2933;margin:0 auto;max-width:960px;padding:16px}
iframe{width:100%;height:60vh;border:1px solid #ccd}
fieldset{border:1px solid #ccd;margin:12px 0;padding:12px}
canvas{border:1px dashed #889;touch-action:none;background:#fff}
button{font-size:1rem;padding:8px 16px;margin-right:8px}
#result{font-weight:bold;margin-top:12px}
</style></head>
<body>
<h1>Sign ${e(input.documentName)}</h1>
<p>${e(input.senderName)} asks you, ${e(input.signerName)}, to sign this document for ${e(input.projectName)}. The link works once, until ${e(input.expiresAt.replace('T', ' ').slice(0, 16))} UTC.</p>
<iframe id="document" title="The document" src="${e(input.pdfUrl)}"></iframe>
<p><a id="open-pdf" href="${e(input.pdfUrl)}" target="_blank" rel="noopener">Open the PDF</a></p>
<form id="sign">
<fieldset><legend>Your signature</legend>
<label><input type="radio" name="kind" value="typed" checked> Type it</label>
<label><input type="radio" name="kind" value="drawn"> Draw it</label>
<p><label>Full name <input id="typed" name="typed" autocomplete="name" maxlength="100" value="${e(input.signerName)}"></label></p>
<p><canvas id="pad" width="420" height="120" aria-label="Draw your signature here"></canvas><br><button type="button" id="clear">Clear</button></p>
</fieldset>
<p><label><input type="checkbox" id="consent"> I agree to sign this document electronically.</label></p>
<button type="submit" id="submit">Sign</button>
</form>
<form id="decline"><fieldset><legend>Or decline</legend>
<label>Reason <input id="reason" maxlength="1000"></label> <button type="submit">Decline</button></fieldset></form>
<div id="result" role="status"></div>
<script>
(function () {
  var pad = document.getElementById('pad'), ctx = pad.getContext('2d'), drawing = false, drawn = false;
  ctx.lineWidth = 2.5; ctx.lineCap = 'round'; ctx.strokeStyle = '#0d2673';
  function at(ev) { var r = pad.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }
  pad.addEventListener('pointerdown', function (ev) { drawing = true; var p = at(ev); ctx.beginPath(); ctx.moveTo(p[0], p[1]); });
  pad.addEventListener('pointermove', function (ev) { if (!drawing) return; var p = at(ev); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
  window.addEventListener('pointerup', function () { drawing = false; });
  document.getElementById('clear').onclick = function () { ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; };
  var result = document.getElementById('result');
  function send(body) {
    result.textContent = 'Sending…';
    return fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (a) {
        result.textContent = a[0] ? (a[1].status === 'completed' ? 'Signed. The signed document is complete; you will receive it by email.' : a[1].status === 'declined' ? 'You declined to sign.' : 'Signed. The next signer has been asked to sign.') : (a[1].detail || 'Failed.');
        if (a[0]) { document.getElementById('sign').remove(); document.getElementById('decline').remove(); }
      });
  }
  document.getElementById('sign').onsubmit = function (ev) {
    ev.preventDefault();
    if (!document.getElementById('consent').checked) { result.textContent = 'Please agree to sign electronically first.'; return; }
    var kind = document.querySelector('input[name=kind]:checked').value;
    if (kind === 'drawn' && !drawn) { result.textContent = 'Please draw your signature first.'; return; }
    var signature = kind === 'typed' ? { kind: 'typed', text: document.getElementById('typed').value } : { kind: 'drawn', png: pad.toDataURL('image/png') };
    send({ action: 'sign', consent: true, signature: signature });
  };
  document.getElementById('decline').onsubmit = function (ev) {
    ev.preventDefault();
    send({ action: 'decline', reason: document.getElementById('reason').value || 'No reason given' });
  };
})();
</script>
</body></html>`;
}

/** A page that says why the link cannot be used. */
export function signingMessagePage(title: string, detail: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:Arial,Helvetica,sans-serif"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`;
}
