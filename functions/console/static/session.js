// The API key lives in this tab's sessionStorage only: never localStorage, never a cookie, gone
// when the tab closes or on sign-out.

const KEY = "kb.console.apiKey";

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};
