// Message text as DOM nodes: plain text, with http(s) URLs made into links. Built with
// createTextNode and createElement only (never innerHTML), so a body can never become markup.

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]+/gi;
// Trailing punctuation ends a sentence more often than a URL: "see https://x.org/a."
const TRAILING = /[.,;:!?'")\]}]+$/;

/** A link to `raw` if it is an absolute http(s) URL with a host, else null. */
function link(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
  const a = document.createElement('a');
  a.href = url.href;
  a.textContent = raw;
  a.target = '_blank';
  // noopener: the opened page gets no handle on this one; noreferrer: nor the chat's URL.
  a.rel = 'noopener noreferrer';
  return a;
}

/** The nodes that show `text`: text nodes, and an <a> for each http(s) URL in it. */
export function richText(text) {
  const nodes = [];
  let at = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const raw = match[0].replace(TRAILING, '');
    const a = raw && link(raw);
    if (!a) continue;
    if (match.index > at) nodes.push(document.createTextNode(text.slice(at, match.index)));
    nodes.push(a);
    at = match.index + raw.length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}
