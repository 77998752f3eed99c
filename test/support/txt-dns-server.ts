/**
 * A DNS server on 127.0.0.1 (UDP, a free port) that answers TXT questions from a table the test
 * fills, NXDOMAIN for anything else. The server under test is pointed at it with
 * `TESSERA_DNS_SERVERS=127.0.0.1:PORT`, so custom domain verification runs through the same
 * node:dns resolver as in production, over a real socket (in-process or from a spawned server).
 */
import { createSocket, type Socket } from 'node:dgram';

export interface TxtDnsServer {
  /** `127.0.0.1:PORT`, the TESSERA_DNS_SERVERS value. */
  address: string;
  /** TXT records by name (lower case, no trailing dot); set or delete entries at any time. */
  records: Map<string, string[]>;
  /** Names asked about so far, in order. */
  questions: string[];
  close(): Promise<void>;
}

const TYPE_TXT = 16;

export async function startTxtDnsServer(): Promise<TxtDnsServer> {
  const socket: Socket = createSocket('udp4');
  const records = new Map<string, string[]>();
  const questions: string[] = [];
  socket.on('message', (query, peer) => {
    const reply = answer(query, records, questions);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    records,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The reply to one query (RFC 1035 §4): the question echoed, then TXT answers or NXDOMAIN. */
function answer(query: Buffer, records: Map<string, string[]>, questions: string[]): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset]!;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString('latin1'));
    offset += 1 + length;
  }
  const questionEnd = offset + 5; // the root label, QTYPE, QCLASS
  if (questionEnd > query.length) return undefined;
  const name = labels.join('.').toLowerCase();
  const type = query.readUInt16BE(offset + 1);
  questions.push(name);
  const values = records.get(name);
  const answers = type === TYPE_TXT && values ? values : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  // QR, the query's RD, RA; RCODE 3 (NXDOMAIN) for unknown names.
  header.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100) | (values ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const parts = [header, query.subarray(12, questionEnd)];
  for (const value of answers) {
    const text = Buffer.from(value, 'utf8');
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length || i === 0; i += 255) {
      const chunk = text.subarray(i, i + 255);
      chunks.push(Buffer.from([chunk.length]), chunk);
      if (text.length === 0) break;
    }
    const rdata = Buffer.concat(chunks);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
    rr.writeUInt16BE(TYPE_TXT, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(0, 6); // TTL
    rr.writeUInt16BE(rdata.length, 10);
    parts.push(rr, rdata);
  }
  return Buffer.concat(parts);
}
