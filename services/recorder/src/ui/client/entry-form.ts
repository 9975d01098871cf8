const AUTHOR_KEY = 'sitrep.author';

const localNow = (zone: string): string => {
  // sv-SE writes dates as ISO does: 2026-12-02 04:31:05.
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date());
  return text.replace(' ', 'T');
};

/**
 * The entry form: the author is remembered in this browser, `at` starts at now and may not be
 * later, `to` is asked for only for escalations, the id is made here (one per form shown), and
 * a second click while the first is on its way does nothing.
 */
export function enhanceEntryForm(form: HTMLFormElement, zone: string): void {
  const author = form.elements.namedItem('author') as HTMLInputElement | null;
  const at = form.elements.namedItem('at') as HTMLInputElement | null;
  const kind = form.elements.namedItem('kind') as HTMLSelectElement | null;
  const to = form.elements.namedItem('to') as HTMLInputElement | null;
  const id = form.elements.namedItem('id') as HTMLInputElement | null;
  if (id && typeof crypto.randomUUID === 'function') id.value = crypto.randomUUID();
  if (author && author.value === '') author.value = localStorage.getItem(AUTHOR_KEY) ?? '';
  if (at) {
    const now = localNow(zone);
    if (!form.querySelector('.notice.error')) at.value = now;
    at.max = now;
    at.addEventListener('focus', () => {
      at.max = localNow(zone);
    });
  }
  const toggleTo = () => {
    if (!kind || !to) return;
    const escalated = kind.value === 'escalated';
    to.required = escalated;
    to.closest('label')?.classList.toggle('muted', !escalated);
  };
  kind?.addEventListener('change', toggleTo);
  toggleTo();
  let sent = false;
  form.addEventListener('submit', (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    if (author) localStorage.setItem(AUTHOR_KEY, author.value.trim());
    form.querySelector<HTMLButtonElement>('button[type="submit"]')?.setAttribute('aria-busy', 'true');
  });
}
