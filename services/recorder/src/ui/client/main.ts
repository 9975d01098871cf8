import { tickDurations, sizeBreakdown } from './durations.js';
import { enhanceEntryForm } from './entry-form.js';
import { startList } from './list.js';
import { listenForChanges, refreshLiveParts } from './live.js';
import { TimelineView } from './timeline.js';
import { adoptBrowserZone } from './zone-cookie.js';

/*
 * The pages work without this script; it adds the browser's zone, live updates, ticking
 * durations, the timeline's zoom and the entry form's conveniences.
 */
function startIncident(zone: string): void {
  const box = document.getElementById('timeline-box');
  const controls = document.getElementById('tl-controls');
  const live = document.getElementById('incident-live');
  const view = box && controls ? new TimelineView(box, zone) : null;
  if (view && controls) view.start(controls);
  const form = document.getElementById('entry-form');
  if (form instanceof HTMLFormElement) enhanceEntryForm(form, zone);
  sizeBreakdown();
  const id = live?.dataset.incident;
  if (id === undefined) return;
  listenForChanges((changed) => {
    if (changed !== id) return;
    void refreshLiveParts().then(() => {
      sizeBreakdown();
      // The timeline part was swapped: draw the new data at the reader's zoom.
      const freshBox = document.getElementById('timeline-box');
      const freshControls = document.getElementById('tl-controls');
      const model = TimelineView.readModel();
      if (view && freshBox && freshControls && model) {
        freshControls.hidden = false;
        freshBox.replaceWith(box as HTMLElement);
        freshControls.replaceWith(controls as HTMLElement);
        view.update(model);
      }
    });
  });
}

function start(): void {
  if (adoptBrowserZone()) {
    location.reload();
    return;
  }
  const zone = document.body.dataset.zone ?? 'UTC';
  tickDurations();
  if (document.getElementById('incident-rows')) startList();
  if (document.getElementById('incident-live')) startIncident(zone);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
