// DOM helpers of the web client's views (views.js and its view-*.js modules).

export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** replaceChildren without the nulls of optional parts (replaceChildren would show "null"). */
export function setChildren(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

export function clock(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

/** The first character of a name, upper-cased (a whole code point: an emoji stays whole). */
export function initial(name) {
  return ([...(name || '')][0] || '?').toUpperCase();
}

export function lastSeen(p) {
  if (!p) return '';
  if (p.state === 'online') return 'online';
  return p.lastSeen ? `last seen ${clock(p.lastSeen)}` : 'offline';
}

/** Makes `container`'s children the given keyed nodes, in order, reusing existing ones. */
export function reconcile(container, items, create, update) {
  const existing = new Map();
  for (const node of container.children) existing.set(node.dataset.key, node);
  let index = 0;
  for (const item of items) {
    let node = existing.get(item.key);
    if (node) existing.delete(item.key);
    else {
      node = create(item);
      node.dataset.key = item.key;
    }
    if (node.dataset.sig !== item.sig) {
      update(node, item);
      node.dataset.sig = item.sig;
    }
    const at = container.children[index];
    if (at !== node) container.insertBefore(node, at ?? null);
    index++;
  }
  for (const node of existing.values()) node.remove();
}
