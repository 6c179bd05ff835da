/**
 * A real HTTP CONNECT proxy on loopback, as corporate proxies are for HTTPS: it tunnels each CONNECT
 * to the host and port asked for and records them, so tests can tell which calls went through it.
 */
import http from "node:http";
import net from "node:net";

/** A running proxy. */
export interface ConnectProxy {
  /** `http://127.0.0.1:<port>`: the value for HTTPS_PROXY or the `proxy` setting. */
  url: string;
  /** `host:port` of every tunnel opened, in order. */
  tunnels: string[];
  /** Closes the listener and every open tunnel. */
  close(): Promise<void>;
}

/** Starts a CONNECT proxy on 127.0.0.1 (a free port). Plain requests are answered 405. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { "Content-Type": "text/plain" }).end("this proxy only tunnels (CONNECT)\n");
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client);
    const target = req.url ?? "";
    tunnels.push(target);
    const { hostname, port } = new URL(`http://${target}`);
    const upstream = net.connect(Number(port || 443), hostname.replace(/^\[(.*)\]$/, "$1"));
    track(upstream);
    upstream.once("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
