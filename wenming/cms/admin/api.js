// The REST API client: cookie session, CSRF header on every change, JSON errors as ApiError.

const CSRF_KEY = "wenming-cms.csrf";

export class ApiError extends Error {
  constructor(status, data) {
    super((data && data.detail) || `请求失败（${status}）。请稍后再试。`);
    this.status = status;
    this.data = data || {};
  }
}

export function setCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

export function csrf() {
  return sessionStorage.getItem(CSRF_KEY) || "";
}

/** Call the API; resolves with the parsed JSON (or null for 204), rejects with ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrf();
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, { detail: "无法连接到服务器。请检查网络连接后再试。" });
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const failure = new ApiError(response.status, data);
    if (response.status === 401 && !path.endsWith("/login")) {
      window.dispatchEvent(new CustomEvent("cms:logged-out", { detail: failure.message }));
    }
    throw failure;
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body === undefined ? {} : body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

/** Query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * Upload one file to /api/media with progress (XMLHttpRequest: fetch has no upload progress).
 * onProgress(fraction 0..1). Resolves with {path}.
 */
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/media");
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (error) {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data) resolve(data);
      else reject(new ApiError(xhr.status, data));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, { detail: "上传中断。请检查网络连接后再试。" })));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
