/**
 * A real HTTP(S) server on 127.0.0.1, port 0, that answers each request with the next scripted
 * reply (octokit's mockRequestHttpServer model). Used by the Graph client tests instead of stubbing
 * axios; it records every request it receives.
 */
import http from "node:http";
import https from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent (e.g. `/v1.0/applications?$filter=…`). */
  url: string;
  /** Path without the query, decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One reply: a response, a connection reset, or no answer at all. */
export type ScriptedReply =
  { status: number; body?: unknown; headers?: Record<string, string> } | { reset: true } | { hang: true };

/** A reply, or a function computing it from the request. */
export type ReplyScript = ScriptedReply | ((req: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>);

/** Options of {@link startScriptedGraphServer}. */
export interface ScriptedGraphServerOptions {
  /** Serve HTTPS with this key and certificate. Defaults to plain HTTP. */
  tls?: { key: string; cert: string };
  /** Answer when the script is exhausted. Defaults to 599 "unscripted request". */
  fallback?: ReplyScript;
}

export interface ScriptedGraphServer {
  /** `http(s)://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Appends replies, used in order, one per request. */
  enqueue(...replies: ReplyScript[]): void;
  /** Replaces the answer given once the script is exhausted. */
  setFallback(reply: ReplyScript): void;
  /** Drops the replies not used yet and the recorded requests (so a failed test cannot leak into the next). */
  clear(): void;
  close(): Promise<void>;
}

/** Starts a scripted server on 127.0.0.1:0. */
export async function startScriptedGraphServer(
  options: ScriptedGraphServerOptions = {},
): Promise<ScriptedGraphServer> {
  const queue: ReplyScript[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let fallback: ReplyScript = options.fallback ?? {
    status: 599,
    body: { error: { code: "Unscripted", message: "unscripted request" } },
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const parsed = new URL(req.url ?? "/", "http://x");
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        path: decodeURIComponent(parsed.pathname),
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const script = queue.length > 0 ? queue.shift()! : fallback;
      const reply = typeof script === "function" ? await script(recorded) : script;
      if ("reset" in reply) {
        req.socket.destroy();
        return;
      }
      if ("hang" in reply) return;
      const body =
        reply.body === undefined
          ? ""
          : typeof reply.body === "string"
            ? reply.body
            : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        ...(body ? { "Content-Type": "application/json" } : {}),
        ...reply.headers,
      });
      res.end(body);
    });
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("secureConnection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    setFallback: (reply) => {
      fallback = reply;
    },
    clear: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Graph's error envelope (graph-api.md §11) with a request id. */
export function graphErrorBody(
  code: string,
  message: string,
  requestId = "11111111-2222-3333-4444-555555555555",
) {
  return {
    error: {
      code,
      message,
      innerError: { date: "2026-01-01T00:00:00", "request-id": requestId, "client-request-id": requestId },
    },
  };
}
