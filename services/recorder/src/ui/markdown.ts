import { escapeHtml } from './html.js';

/*
 * The Markdown the postmortem draft uses, as HTML: headings, bullet lists (one level of
 * nesting), task boxes, **bold**, _emphasis_ and `code`. Everything is escaped first, so text
 * from alerts and people shows as text whatever it holds; links stay text (no scheme is trusted).
 */

function inline(source: string): string {
  return escapeHtml(source)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,:;])/g, '$1<em>$2</em>');
}

export function renderMarkdown(markdown: string): string {
  const out: string[] = [];
  // Open lists by depth: 0 the top level, 1 a nested one.
  const open: number[] = [];
  const closeTo = (depth: number) => {
    while (open.length > depth) {
      open.pop();
      out.push('</li></ul>');
    }
  };
  for (const line of markdown.split('\n')) {
    const item = /^( *)- (.*)$/.exec(line);
    if (item) {
      const depth = Math.min(1, Math.floor((item[1] ?? '').length / 2));
      if (open.length > depth + 1) closeTo(depth + 1);
      if (open.length === depth + 1) out.push('</li>');
      else {
        closeTo(depth);
        out.push('<ul>');
        open.push(depth);
      }
      const task = /^\[( |x)\] ?(.*)$/.exec(item[2] ?? '');
      out.push(
        task
          ? `<li class="task">${task[1] === 'x' ? '☑' : '☐'} ${inline(task[2] ?? '')}`
          : `<li>${inline(item[2] ?? '')}`,
      );
      continue;
    }
    closeTo(0);
    const heading = /^(#{1,4}) (.*)$/.exec(line);
    if (heading) {
      // The page has its own h1 and h2: the draft's headings sit below them.
      const level = Math.min(6, (heading[1] ?? '#').length + 2);
      out.push(`<h${level}>${inline(heading[2] ?? '')}</h${level}>`);
    } else if (line.trim() !== '') {
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  closeTo(0);
  return out.join('\n');
}
