// A scripted HTTP server on loopback: each request is answered by the next handler in `script`,
// and recorded, so a test sees exactly what the client sent (over real fetch, not a mock of it).
import { createServer } from "node:http";

export async function fakeApi(script) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const handler = script[Math.min(requests.length - 1, script.length - 1)];
      handler(req, res, body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export const json = (status, body, headers = {}) => (req, res) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
