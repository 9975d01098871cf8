import { tickFormatter } from '../ticks.js';
import {
  fitWindow,
  panWindow,
  renderTimelineSvg,
  zoomWindow,
  type TimelineModel,
  type TimeWindow,
} from '../timeline-svg.js';

const LABEL_WIDTH = 200;
const PLOT_RIGHT = 988;
const WIDTH = 1000;

/** The timeline's zoom: buttons, and a drag across the chart picks a range. */
export class TimelineView {
  private model: TimelineModel;
  private window: TimeWindow;
  private dragFrom: number | null = null;

  constructor(
    private readonly box: HTMLElement,
    private readonly zone: string,
  ) {
    this.model = TimelineView.readModel() ?? {
      lanes: [],
      changes: [],
      people: [],
      deadEnds: [],
      moments: [],
      now: Date.now(),
    };
    this.window = fitWindow(this.model);
  }

  static readModel(): TimelineModel | null {
    const data = document.getElementById('timeline-data')?.textContent;
    return data ? (JSON.parse(data) as TimelineModel) : null;
  }

  start(controls: HTMLElement): void {
    controls.hidden = false;
    controls.addEventListener('click', (event) => {
      const action = (event.target as HTMLElement).closest<HTMLElement>('[data-zoom]')?.dataset.zoom;
      if (action === 'in') this.show(zoomWindow(this.window, 0.5));
      else if (action === 'out') this.show(zoomWindow(this.window, 2));
      else if (action === 'left') this.show(panWindow(this.window, -0.3));
      else if (action === 'right') this.show(panWindow(this.window, 0.3));
      else if (action === 'fit') this.show(fitWindow(this.model));
    });
    this.box.addEventListener('pointerdown', (event) => {
      this.dragFrom = this.timeAt(event.clientX);
    });
    this.box.addEventListener('pointerup', (event) => {
      const from = this.dragFrom;
      this.dragFrom = null;
      const to = this.timeAt(event.clientX);
      if (from === null || to === null) return;
      // A click is not a range: only a drag of a few pixels' worth of time zooms.
      if (Math.abs(to - from) < (this.window.to - this.window.from) / 50) return;
      this.show({ from: Math.min(from, to), to: Math.max(from, to) });
    });
  }

  /** New data from a live refresh: keep the reader's zoom unless they were looking at the whole. */
  update(model: TimelineModel): void {
    const fitted = fitWindow(this.model);
    const wasFitted = fitted.from === this.window.from && fitted.to === this.window.to;
    this.model = model;
    this.show(wasFitted ? fitWindow(model) : this.window);
  }

  private timeAt(clientX: number): number | null {
    const svg = this.box.querySelector('svg');
    if (!svg) return null;
    const rect = svg.getBoundingClientRect();
    const x = ((clientX - rect.left) / rect.width) * WIDTH;
    if (x < LABEL_WIDTH || x > PLOT_RIGHT) return null;
    return this.window.from + ((x - LABEL_WIDTH) / (PLOT_RIGHT - LABEL_WIDTH)) * (this.window.to - this.window.from);
  }

  private show(window: TimeWindow): void {
    this.window = window;
    this.box.innerHTML = renderTimelineSvg(this.model, window, tickFormatter(this.zone), this.zone);
  }
}
