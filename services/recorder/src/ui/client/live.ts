/** Calls `onChange` with each incident the server says changed (server-sent events). */
export function listenForChanges(onChange: (id: string) => void): void {
  if (typeof EventSource === 'undefined') return;
  const source = new EventSource('/events');
  source.addEventListener('incident', (event) => {
    try {
      const change = JSON.parse((event as MessageEvent<string>).data) as { id?: unknown };
      if (typeof change.id === 'string') onChange(change.id);
    } catch {
      // Not ours: ignore.
    }
  });
}

/** Fetches this page again and swaps in its live parts (marked data-live), keeping the form as it is. */
export async function refreshLiveParts(): Promise<Document | null> {
  const response = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
  if (!response.ok) return null;
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const part of document.querySelectorAll<HTMLElement>('[data-live]')) {
    const replacement = fresh.getElementById(part.id);
    if (replacement) part.replaceWith(document.importNode(replacement, true));
  }
  return fresh;
}
