/// <reference lib="dom" />
// Sign-in with supabase-js's own auth client (password grant), as a hosted app would.
import type { Page } from '../app.ts';
import { describeError } from '../errors.ts';
import { h, messageBox, mount, showMessage } from '../dom.ts';

/** sessionStorage key: why the user was signed out (shown once on the sign-in page). */
export const SIGNED_OUT_NOTICE = 'tallyq.signedOutNotice';

export const signInPage: Page = (main, ctx) => {
  const error = messageBox('error');
  showMessage(error, sessionStorage.getItem(SIGNED_OUT_NOTICE));
  sessionStorage.removeItem(SIGNED_OUT_NOTICE);
  const email = h('input', {
    id: 'email',
    name: 'email',
    type: 'email',
    autocomplete: 'username',
    required: true,
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'signin-title' },
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showMessage(error, null);
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    const { error: err } = await ctx.supabase.auth.signInWithPassword({
      email: email.value.trim(),
      password: password.value,
    });
    submit.disabled = false;
    submit.textContent = 'Sign in';
    if (err) {
      const code = (err as { code?: string }).code ??
        (err.status === 400 ? 'invalid_credentials' : null);
      showMessage(error, describeError(code, err.message));
      password.focus();
      return;
    }
    ctx.go('#/receipts');
  });
  mount(main, h('h1', { id: 'signin-title' }, 'Sign in to tallyq'), form);
};
