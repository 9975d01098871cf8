import { listenForChanges } from './live.js';

const rowLinks = (): HTMLAnchorElement[] => [
  ...document.querySelectorAll<HTMLAnchorElement>('#incident-rows a.row-link'),
];

/** j/k (or the arrow keys) move between incidents; Enter follows the focused link. */
function keyboard(): void {
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const down = event.key === 'j' || event.key === 'ArrowDown';
    const up = event.key === 'k' || event.key === 'ArrowUp';
    if (!down && !up) return;
    const links = rowLinks();
    if (links.length === 0) return;
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = index < 0 ? 0 : Math.min(links.length - 1, Math.max(0, index + (down ? 1 : -1)));
    links[next]?.focus();
    event.preventDefault();
  });
}

async function refreshRows(): Promise<void> {
  const url = new URL(location.href);
  url.searchParams.set('rows', '1');
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) return;
  const body = document.getElementById('incident-rows');
  if (!body) return;
  const focused = (document.activeElement as HTMLElement | null)?.closest('tr')?.dataset.id;
  body.innerHTML = await response.text();
  if (focused) body.querySelector<HTMLAnchorElement>(`tr[data-id="${CSS.escape(focused)}"] a.row-link`)?.focus();
  const status = document.getElementById('list-status');
  if (status) status.dataset.updated = new Date().toISOString();
}

export function startList(): void {
  keyboard();
  let pending: ReturnType<typeof setTimeout> | undefined;
  listenForChanges(() => {
    // A burst of changes (an outage's alerts) is one refresh.
    clearTimeout(pending);
    pending = setTimeout(() => void refreshRows(), 300);
  });
}
