// After a passkey is registered on the second-factor enrolment page (django-otp-webauthn's
// otp_webauthn_register.js fires otp_webauthn.register_complete), open the second-factor
// step again: the session is verified now, so it shows the new recovery codes once, or
// goes on to the page the person asked for. A plain GET of the same address, with its ?next.
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.assign(window.location.href);
});
