// 草稿保护: unsaved edits kept in localStorage per collection and slug, so a reload or a closed tab loses nothing.

const PREFIX = "wenming-cms.draft:";

function key(collection, slug) {
  return `${PREFIX}${collection}:${slug || "new"}`;
}

/** {fields, body, version, saved_at} or null. */
export function loadDraft(collection, slug) {
  try {
    const raw = localStorage.getItem(key(collection, slug));
    return raw ? JSON.parse(raw) : null;
  } catch (error) {
    return null;
  }
}

export function saveDraft(collection, slug, draft) {
  try {
    localStorage.setItem(key(collection, slug), JSON.stringify({ ...draft, saved_at: new Date().toISOString() }));
    return true;
  } catch (error) {
    return false; // storage full or disabled: the beforeunload warning still protects the edits
  }
}

export function dropDraft(collection, slug) {
  try {
    localStorage.removeItem(key(collection, slug));
  } catch (error) {
    // nothing to do
  }
}
