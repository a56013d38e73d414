// Where the app is mounted: "" at the site's root, or a prefix such as "/telehealth" when nginx
// serves vsession under a path of another site. nginx writes the prefix into index.html's
// <base href> (the snippet's sub_filter); the router's basename and the API's URLs follow it,
// and the built assets are referenced relative to it (vite's base './').

/** The mount prefix without a trailing slash ("" at the root). */
export function basePath() {
  if (typeof document === 'undefined' || !document.baseURI) return '';
  return new URL(document.baseURI).pathname.replace(/\/+$/, '');
}
