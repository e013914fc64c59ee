import { createSeededRandom } from '@causeloop/platform/random';
// A seeded, labelled stream of log lines for measuring the miner: the grouping-accuracy
// test and the miner bench run on it. Fifty hand-written templates in the styles the miner
// meets (HDFS, Spark, Zookeeper, sshd syslog, Apache, Windows CBS, Java/Python/Go errors,
// Kubernetes events, CI, databases, HTTP) with one to four variable slots of varied kinds,
// and hard in the ways real logs are: families of templates that differ in one word only
// (closed/reset, started/stopped/paused, in/out, cpu/memory, insufficient funds/card expired)
// or one status or exit code, templates sharing long prefixes, slots that are plain words
// (user, table, queue names), slots of two kinds (an address or a host name), variable-length
// slots (a list of hosts, a list of field names, a name of two to five words), extra
// whitespace, upper/lower case where case means nothing (hex, UUIDs, hosts, booleans), and
// request/trace ids or timings appended to some lines only.

export interface SeededLogCorpus {
  readonly messages: readonly string[];
  /** The index of the template each message was written from. */
  readonly templateOf: readonly number[];
}

export interface SeededLogCorpusOptions {
  readonly seed: number;
  readonly messagesPerTemplate: number;
}

const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent', 'victor', 'walter'];
const tables = ['orders', 'users', 'invoices', 'payments', 'sessions', 'carts', 'shipments', 'refunds', 'ledgers', 'accounts'];
const queues = ['emails', 'webhooks', 'thumbnails', 'exports', 'imports', 'billing', 'notifications', 'reindex'];
const services = ['checkout', 'payments', 'search', 'catalog', 'inventory', 'shipping', 'auth', 'gateway'];
const fields = ['email', 'phone', 'address', 'zip', 'country', 'birthday', 'lastname', 'firstname'];
const containers = ['api', 'worker', 'sidecar', 'migrator', 'scheduler', 'proxy'];
const keyspaces = ['sessions', 'carts', 'catalog', 'pricing', 'tokens', 'profiles'];
const groups = ['ledger', 'mailer', 'indexer', 'auditor', 'projector', 'notifier'];
const currencies = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'SEK'];
const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const steps = ['nightly backup', 'Run tests', 'Build image', 'lint', 'Deploy to staging', 'cache warmup', 'e2e'];
const agents = ['curl/8.4.0', 'python-requests/2.31.0', 'Go-http-client/2.0', 'okhttp/4.12.0'];
const zones = ['prod.internal', 'eu-west-1.compute.internal', 'svc.cluster.local', 'example.com'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function createDraw(random: () => number) {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const hexChars = (length: number) => Array.from({ length }, () => '0123456789abcdef'[int(0, 15)]).join('');
  const alnum = (length: number) => Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[int(0, 35)]).join('');
  // Case means nothing in these, and some producers print them upper-case.
  const anyCase = (text: string) => (chance(0.2) ? text.toUpperCase() : text);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return {
    int,
    pick,
    chance,
    hex: (length: number) => anyCase(hexChars(length)),
    uuid: () => anyCase(`${hexChars(8)}-${hexChars(4)}-4${hexChars(3)}-a${hexChars(3)}-${hexChars(12)}`),
    ip: () => `${int(10, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    port: () => String(pick([80, 443, 5432, 6379, 8080, 9092, int(1024, 65535)])),
    host: () => {
      const name = `${pick(services)}-${pick(['db', 'cache', 'api', 'mq'])}-${int(1, 12)}.${pick(zones)}`;
      return chance(0.15) ? name.toUpperCase() : name;
    },
    // Some producers log the address, some the name: one slot, two kinds.
    target: () => (chance(0.3) ? `${int(10, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}` : `${pick(services)}-${pick(['db', 'cache'])}-${int(1, 12)}.${pick(zones)}`),
    pod: () => `${pick(services)}-${hexChars(int(8, 10))}-${alnum(5)}`,
    path: () =>
      pick([
        () => `/var/lib/${pick(services)}/data-${int(1, 99)}.db`,
        () => `/srv/${pick(services)}/logs/${pick(queues)}.log.${int(1, 9)}`,
        () => `/home/${pick(users)}/uploads/${alnum(8)}.csv`,
        () => `C:\\ProgramData\\${pick(services)}\\cache\\${alnum(6)}.tmp`,
        () => `/api/v1/${pick(tables)}/${int(1, 99999)}`,
      ])(),
    duration: () => pick([() => `${int(1, 999)}ms`, () => `${int(1, 59)}.${int(0, 9)}s`, () => `${int(1, 59)}m`, () => `${int(1, 3)}h${int(1, 59)}m`])(),
    size: () => `${int(1, 4096)}${pick(['KB', 'MB', 'GB', 'MiB', 'GiB'])}`,
    email: () => `${pick(users)}${chance(0.5) ? `.${int(1, 99)}` : ''}@${pick(['example.com', 'mail.example.org', 'corp.example.net'])}`,
    bool: () => pick(['true', 'false', 'TRUE', 'False']),
    syslogDate: () => `${pick(months)} ${String(int(1, 28)).padStart(2, ' ')} ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`,
    ctimeDate: () => `${pick(days)} ${pick(months)} ${pad(int(1, 28))} ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))} 2024`,
    apacheDate: () => `${pad(int(1, 28))}/${pick(months)}/2024:${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))} +0000`,
    compactDate: () => `24${pad(int(1, 12))}${pad(int(1, 28))} ${pad(int(0, 23))}${pad(int(0, 59))}${pad(int(0, 59))}`,
    slashDate: () => `24/${pad(int(1, 12))}/${pad(int(1, 28))} ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`,
    commaDate: () => `2024-${pad(int(1, 12))}-${pad(int(1, 28))} ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))},${pad(int(0, 999), 3)}`,
    list: (draw: () => string, max: number) => Array.from({ length: int(1, max) }, draw).join(', '),
    quoted: (text: string) => (chance(0.5) ? `'${text}'` : `"${text}"`),
  };
}

type Draw = ReturnType<typeof createDraw>;

const templates: readonly ((d: Draw) => string)[] = [
  (d) => `Failed to connect to ${d.target()}:${d.port()}: connection refused`,
  (d) => `Failed to connect to ${d.target()}:${d.port()}: connection timed out after ${d.duration()}`,
  (d) => `Failed to connect to database ${d.quoted(d.pick(tables))} as user ${d.pick(users)}: password authentication failed`,
  (d) => `Failed to resolve host ${d.host()}: no such host`,
  (d) => `Connection to ${d.ip()} closed by peer after ${d.int(0, 65535)} bytes`,
  (d) => `Connection to ${d.ip()} reset by peer after ${d.int(0, 65535)} bytes`,
  (d) => `Worker ${d.pod()} started processing queue ${d.pick(queues)}`,
  (d) => `Worker ${d.pod()} stopped processing queue ${d.pick(queues)}`,
  (d) => `Worker ${d.pod()} paused processing queue ${d.pick(queues)}`,
  (d) => `User ${d.pick(users)} logged in from ${d.ip()}`,
  (d) => `User ${d.pick(users)} logged out from ${d.ip()}`,
  (d) => `upstream ${d.pick(services)} returned HTTP 503 for ${d.pick(methods)} ${d.path()} in ${d.duration()}`,
  (d) => `upstream ${d.pick(services)} returned HTTP 429 for ${d.pick(methods)} ${d.path()} in ${d.duration()}`,
  (d) => `java.net.SocketTimeoutException: Read timed out after ${d.int(100, 60000)} ms calling https://${d.host()}/v2/${d.pick(tables)}?id=${d.int(1, 1e6)}`,
  (d) => `java.lang.NullPointerException: Cannot invoke "com.acme.${d.pick(['Order', 'Cart', 'Invoice'])}.getTotal()" because "${d.pick(tables)}" is null`,
  (d) => `KeyError: ${d.quoted(d.pick(fields))}`,
  (d) => `psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "${d.pick(tables)}_${d.pick(fields)}_key" DETAIL: Key (email)=(${d.email()}) already exists.`,
  (d) => `dial tcp ${d.ip()}:${d.port()}: connect: connection refused`,
  (d) => `dial tcp ${d.ip()}:${d.port()}: i/o timeout`,
  (d) => `Back-off restarting failed container ${d.pick(containers)} in pod ${d.pod()}_${d.pick(['default', 'prod', 'batch'])}(${d.uuid()})`,
  (d) => `Container ${d.pick(containers)} in pod ${d.pod()} was OOMKilled (memory limit ${d.size()})`,
  (d) => `0/${d.int(3, 40)} nodes are available: ${d.int(1, 40)} Insufficient cpu.`,
  (d) => `0/${d.int(3, 40)} nodes are available: ${d.int(1, 40)} Insufficient memory.`,
  (d) => `Disk ${d.path()} is ${d.int(85, 100)}% full on ${d.host()}`,
  (d) => `Disk quota exceeded for tenant ${d.uuid()} (${d.size()} used of ${d.size()})`,
  (d) => `Step ${d.quoted(d.pick(steps))} failed with exit code 1 after ${d.duration()}`,
  (d) => `Step ${d.quoted(d.pick(steps))} failed with exit code 2 after ${d.duration()}`,
  (d) => `Test ${d.quoted(`${d.pick(tables)} ${d.pick(['totals', 'refund', 'export', 'handles empty cart'])}`)} failed: expected ${d.int(0, 500)} but received ${d.int(0, 500)}`,
  (d) => `deadlock detected while updating table ${d.pick(tables)}; transaction ${d.int(1000, 999999)} rolled back`,
  (d) => `could not obtain lock on row in relation "${d.pick(tables)}" after ${d.duration()}`,
  (d) => `${d.syslogDate()} web-${d.int(1, 9)} sshd[${d.int(1000, 40000)}]: Failed password for ${d.pick(users)} from ${d.ip()} port ${d.int(1024, 65535)} ssh2`,
  (d) => `${d.syslogDate()} web-${d.int(1, 9)} sshd[${d.int(1000, 40000)}]: Failed password for invalid user ${d.pick(users)} from ${d.ip()} port ${d.int(1024, 65535)} ssh2`,
  (d) => `${d.syslogDate()} web-${d.int(1, 9)} sshd[${d.int(1000, 40000)}]: Accepted publickey for ${d.pick(users)} from ${d.ip()} port ${d.int(1024, 65535)} ssh2: RSA SHA256:${d.hex(8)}${d.pick(['Qx', 'Zk', 'Mv'])}${d.hex(12)}Vb${d.hex(8)}`,
  (d) => `${d.compactDate()} ${d.int(1, 999)} INFO dfs.DataNode$PacketResponder: PacketResponder ${d.int(0, 2)} for block blk_${d.chance(0.5) ? '-' : ''}${d.int(1e15, 9e15)} terminating`,
  (d) => `${d.compactDate()} ${d.int(1, 999)} INFO dfs.DataNode$DataXceiver: Receiving block blk_${d.int(1e15, 9e15)} src: /${d.ip()}:${d.port()} dest: /${d.ip()}:${d.port()}`,
  (d) => `${d.compactDate()} ${d.int(1, 999)} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: ${d.ip()}:${d.port()} is added to blk_${d.int(1e15, 9e15)} size ${d.int(1, 67108864)}`,
  (d) => `${d.slashDate()} INFO storage.BlockManager: Found block rdd_${d.int(0, 99)}_${d.int(0, 999)} locally`,
  (d) => `${d.slashDate()} WARN storage.BlockManager: Block rdd_${d.int(0, 99)}_${d.int(0, 999)} could not be removed as it was not found on disk or in memory`,
  (d) => `${d.commaDate()} - WARN  [SendWorker:${d.int(1, 5)}:QuorumCnxManager$SendWorker@${d.int(600, 800)}] - Interrupted while waiting for message on queue`,
  (d) => `${d.commaDate()}, Info                  CBS    Session: ${d.int(30000000, 39999999)}_${d.int(1000000000, 3999999999)} initialized by client WindowsUpdateAgent.`,
  (d) => `${d.commaDate()}, Error                 CBS    Failed to resolve package 'Package_${d.int(1, 999)}_for_KB${d.int(3000000, 5999999)}~31bf3856ad364e35~amd64~~${d.int(6, 10)}.${d.int(0, 3)}.${d.int(1, 9999)}.${d.int(1, 99999)}' [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]`,
  (d) => `[${d.ctimeDate()}] [error] [client ${d.ip()}] File does not exist: ${d.path()}`,
  (d) => `[${d.ctimeDate()}] [error] [client ${d.ip()}] Directory index forbidden by rule: ${d.path()}`,
  (d) => `${d.ip()} - ${d.chance(0.5) ? '-' : d.pick(users)} [${d.apacheDate()}] "${d.pick(methods)} ${d.path()} HTTP/1.1" 502 ${d.int(0, 9999)} "-" "${d.pick(agents)}"`,
  (d) => `Payment pay_${d.hex(24)} declined by processor: insufficient funds (amount ${d.int(1, 9999)}.${d.int(10, 99)} ${d.pick(currencies)})`,
  (d) => `Payment pay_${d.hex(24)} declined by processor: card expired (amount ${d.int(1, 9999)}.${d.int(10, 99)} ${d.pick(currencies)})`,
  (d) => `Validation failed for request ${d.uuid()}: missing required fields ${d.list(() => d.pick(fields), 3)}`,
  (d) => `Cluster quorum lost; unreachable members: ${d.list(() => d.host(), 4)}`,
  (d) => `Consumer group ${d.pick(groups)} lag on topic ${d.pick(tables)}.${d.pick(['created', 'updated', 'deleted'])} partition ${d.int(0, 63)} is ${d.int(1000, 9999999)} messages; autocommit=${d.bool()}`,
  (d) => `Cache miss ratio ${d.int(20, 99)}% above threshold for keyspace ${d.pick(keyspaces)} on ${d.host()}`,
];

// Appended to some lines only, as middlewares and loggers do.
const trailingContext: readonly ((d: Draw) => string)[] = [
  (d) => ` request_id=${d.hex(16)}`,
  (d) => ` trace_id=${d.hex(32)}`,
  (d) => ` [trace ${d.uuid()}]`,
  (d) => ` (took ${d.duration()})`,
  (d) => ` (pid ${d.int(100, 65535)})`,
];

function addNoise(line: string, d: Draw): string {
  let noisy = d.chance(0.08) ? line + d.pick(trailingContext)(d) : line;
  if (d.chance(0.1)) {
    const spaces = [...noisy.matchAll(/ /g)];
    const at = spaces.length > 0 ? d.pick(spaces).index : -1;
    if (at >= 0) noisy = `${noisy.slice(0, at)}${d.pick(['  ', '\t', '   '])}${noisy.slice(at + 1)}`;
  }
  return d.chance(0.05) ? ` ${noisy}  ` : noisy;
}

export const seededTemplateCount = templates.length;

/** `messagesPerTemplate` lines from each of the fifty templates, shuffled, labelled. */
export function createSeededLogCorpus(options: SeededLogCorpusOptions): SeededLogCorpus {
  const random = createSeededRandom(options.seed);
  const d = createDraw(random);
  const templateOf = templates.flatMap((_, index) => Array.from({ length: options.messagesPerTemplate }, () => index));
  for (let index = templateOf.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [templateOf[index], templateOf[other]] = [templateOf[other]!, templateOf[index]!];
  }
  return { messages: templateOf.map((template) => addNoise(templates[template]!(d), d)), templateOf };
}
