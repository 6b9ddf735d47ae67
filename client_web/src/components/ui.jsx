// Small building blocks shared by the four pages.
import { useEffect, useRef } from 'preact/hooks';
import { LANGUAGES, setLang, t, useLang } from '../lib/i18n.js';
import { STATUS } from '../lib/sync.js';

export function Button({ kind = 'secondary', size, busy, class: extra, children, ...props }) {
  const classes = ['btn', `btn-${kind}`, size && `btn-${size}`, busy && 'is-busy', extra]
    .filter(Boolean)
    .join(' ');
  // Icon-only buttons show their name on hover too (the screen reader reads aria-label).
  const title = props.title ?? (extra?.includes('icon-only') ? props['aria-label'] : undefined);
  return (
    <button type="button" class={classes} disabled={busy || props.disabled} aria-busy={busy ? 'true' : undefined} title={title} {...props}>
      {children}
    </button>
  );
}

export function Icon({ name, label }) {
  const paths = ICONS[name];
  return (
    <svg class="icon" viewBox="0 0 24 24" aria-hidden={label ? undefined : 'true'} role={label ? 'img' : undefined} aria-label={label}>
      {paths.map((d) => (
        <path d={d} key={d} />
      ))}
    </svg>
  );
}

const ICONS = {
  check: ['M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z'],
  mic: ['M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3z', 'M17 11a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11z'],
  hand: ['M13 2a1.5 1.5 0 0 1 1.5 1.5V11h1V4.5a1.5 1.5 0 0 1 3 0V14a8 8 0 0 1-8 8 7 7 0 0 1-6-3.4l-3-5a1.5 1.5 0 0 1 2.5-1.7L6 14V6.5a1.5 1.5 0 0 1 3 0V11h1V3.5A1.5 1.5 0 0 1 11.5 2z'],
  up: ['M7.4 15.4 12 10.8l4.6 4.6L18 14l-6-6-6 6z'],
  down: ['M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z'],
  right: ['M8.6 16.6 13.2 12 8.6 7.4 10 6l6 6-6 6z'],
  left: ['M15.4 16.6 10.8 12l4.6-4.6L14 6l-6 6 6 6z'],
  indent: ['M3 21h18v-2H3v2zM3 8v8l4-4-4-4zm8 9h10v-2H11v2zM3 3v2h18V3H3zm8 6h10V7H11v2zm0 4h10v-2H11v2z'],
  outdent: ['M11 17h10v-2H11v2zm-8-5l4 4V8l-4 4zm0 9h18v-2H3v2zM3 3v2h18V3H3zm8 6h10V7H11v2zm0 4h10v-2H11v2z'],
  drag: ['M9 4h2v2H9zm4 0h2v2h-2zM9 9h2v2H9zm4 0h2v2h-2zm-4 5h2v2H9zm4 0h2v2h-2zm-4 5h2v2H9zm4 0h2v2h-2z'],
  edit: ['M3 17.2V21h3.8l11-11-3.8-3.8zM20.7 7a1 1 0 0 0 0-1.4l-2.3-2.3a1 1 0 0 0-1.4 0l-1.8 1.8 3.8 3.8z'],
  trash: ['M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6zM19 4h-3.5l-1-1h-5l-1 1H5v2h14z'],
  plus: ['M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6z'],
  qr: ['M3 3h8v8H3zm2 2v4h4V5zm8-2h8v8h-8zm2 2v4h4V5zM3 13h8v8H3zm2 2v4h4v-4zm13-2h3v2h-3zm-5 0h3v3h-3zm3 3h2v2h-2zm-3 2h3v3h-3zm5 0h3v3h-3z'],
  print: ['M19 8H5a3 3 0 0 0-3 3v6h4v4h12v-4h4v-6a3 3 0 0 0-3-3zm-3 11H8v-5h8zM18 3H6v4h12z'],
  logout: ['M10 17l1.4-1.4-2.6-2.6H19v-2H8.8l2.6-2.6L10 7l-5 5z', 'M4 3h8v2H4v14h8v2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z'],
  wifiOff: ['M23.64 7c-.45-.34-4.93-4-11.64-4-1.5 0-2.89.19-4.15.48L18.18 13.8 23.64 7zm-6.6 8.22L3.27 1.44 2 2.72l2.05 2.06C1.91 5.76.59 6.82.36 7l11.63 14.49.01.01.01-.01 3.9-4.86 3.32 3.32 1.27-1.27-3.46-3.46z'],
  clock: ['M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm0 18a8 8 0 1 1 8-8 8 8 0 0 1-8 8zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z'],
  people: ['M16 11a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0h-1a4.2 4.2 0 0 1 2 3.5V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z'],
  doc: ['M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm2 16H8v-2h8zm0-4H8v-2h8zm-3-5V3.5L18.5 9z'],
  vote: ['M18 13h-.7l-2 2h1.9L19 17H5l1.8-2h2l-2-2H6l-3 3v4a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2v-4zm-1-5-5 5-3.5-3.5 5-5zm-4.3-6.3L6.3 8.2a1 1 0 0 0 0 1.4l5 5a1 1 0 0 0 1.4 0l6.4-6.4a1 1 0 0 0 0-1.4l-5-5a1 1 0 0 0-1.4 0z'],
  comment: ['M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zM6 9h12v2H6zm8 5H6v-2h8zm4-6H6V6h12z'],
  lock: ['M18 8h-1V6A5 5 0 0 0 7 6v2H6a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V10a2 2 0 0 0-2-2zm-6 9a2 2 0 1 1 2-2 2 2 0 0 1-2 2zm3.1-9H8.9V6a3.1 3.1 0 0 1 6.2 0z'],
  close: ['M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z'],
};

let onLanguageChosen = null;

/** Called with the language a person picks (auth.jsx saves it to their account). */
export function whenLanguageChosen(fn) {
  onLanguageChosen = fn;
}

export function LangSwitch() {
  const lang = useLang();
  return (
    <div class="lang-switch" role="group" aria-label={t('common.language')}>
      {LANGUAGES.map((code) => (
        <button
          type="button"
          key={code}
          class={code === lang ? 'is-active' : ''}
          aria-pressed={code === lang ? 'true' : 'false'}
          lang={code}
          onClick={() => {
            setLang(code);
            onLanguageChosen?.(code);
          }}
        >
          {t(`common.languages.${code}`)}
        </button>
      ))}
    </div>
  );
}

/** The bar at the top of every page: brand, what this is, the person, language, logout. */
export function TopBar({ title, subtitle, user, onLogout, children }) {
  useLang();
  return (
    <header class="topbar">
      <div class="topbar-brand">
        <span class="brand-mark" aria-hidden="true">
          <Icon name="doc" />
        </span>
        <div class="topbar-titles">
          <span class="topbar-title">{title}</span>
          {subtitle && <span class="topbar-subtitle">{subtitle}</span>}
        </div>
      </div>
      <div class="topbar-actions">
        {children}
        <LangSwitch />
        {user && (
          <div class="topbar-user">
            <span class="topbar-user-name">{user.full_name}</span>
            {onLogout && (
              <Button kind="ghost" onClick={onLogout}>
                <Icon name="logout" />
                <span>{t('common.logout')}</span>
              </Button>
            )}
          </div>
        )}
      </div>
    </header>
  );
}

/** Says plainly when the device is offline or catching up. */
export function ConnectionBanner({ status }) {
  useLang();
  if (status === STATUS.OFFLINE) {
    return (
      <div class="banner banner-offline" role="status" aria-live="polite">
        <Icon name="wifiOff" />
        <span>
          <strong>{t('sync.offline_title')}</strong> {t('sync.offline_text')}
        </span>
      </div>
    );
  }
  if (status === STATUS.CATCHING_UP) {
    return (
      <div class="banner banner-info" role="status" aria-live="polite">
        <span class="spinner" aria-hidden="true" />
        <span>{t('sync.catching_up')}</span>
      </div>
    );
  }
  return <div class="sr-only" role="status" aria-live="polite" />;
}

export function ErrorText({ error }) {
  if (!error) return null;
  return (
    <p class="error-text" role="alert">
      {error.message || String(error)}
    </p>
  );
}

export function Loading({ label }) {
  useLang();
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{label || t('common.loading')}</span>
    </div>
  );
}

/** A modal dialog (the browser's own <dialog>: focus stays inside, Esc closes). */
export function Dialog({ open, title, onClose, children, wide, class: extra }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class={['dialog', wide && 'dialog-wide', extra].filter(Boolean).join(' ')}
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose?.();
      }}
    >
      {open && (
        <div class="dialog-body">
          <div class="dialog-head">
            <h2 id="dialog-title">{title}</h2>
            <button type="button" class="icon-btn" onClick={onClose} aria-label={t('common.close')}>
              <Icon name="close" />
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}

export function Field({ label, hint, error, children, id }) {
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <p class="field-hint">{hint}</p>}
      {error && <p class="field-error">{error}</p>}
    </div>
  );
}

export function Badge({ tone = 'neutral', children, live }) {
  return (
    <span class={`badge badge-${tone}${live ? ' badge-live' : ''}`}>
      {live && <span class="live-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

export function EmptyState({ title, text, children }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {text && <p class="empty-text">{text}</p>}
      {children}
    </div>
  );
}

/** A panel with a heading. */
export function Card({ title, icon, actions, children, class: extra, id, headingLevel = 2 }) {
  const H = `h${headingLevel}`;
  return (
    <section class={['card', extra].filter(Boolean).join(' ')} aria-labelledby={id ? `${id}-title` : undefined}>
      {(title || actions) && (
        <div class="card-head">
          {title && (
            <H class="card-title" id={id ? `${id}-title` : undefined}>
              {icon && <Icon name={icon} />}
              {title}
            </H>
          )}
          {actions && <div class="card-actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

/** A date and a time typed as dd/mm/yyyy and HH:mm (Vietnam time), whatever the browser. */
export function DateTimeFields({ id, label, value, onChange, hint }) {
  useLang();
  return (
    <fieldset class="datetime" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{label}</legend>
      <div class="datetime-inputs">
        <div class="field">
          <label for={`${id}-date`}>{t('datetime.date')}</label>
          <input
            id={`${id}-date`}
            inputMode="numeric"
            placeholder="dd/mm/yyyy"
            autocomplete="off"
            value={value.date}
            onInput={(e) => onChange({ ...value, date: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for={`${id}-time`}>{t('datetime.time')}</label>
          <input
            id={`${id}-time`}
            inputMode="numeric"
            placeholder="hh:mm"
            autocomplete="off"
            value={value.time}
            onInput={(e) => onChange({ ...value, time: e.currentTarget.value })}
          />
        </div>
      </div>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </fieldset>
  );
}
