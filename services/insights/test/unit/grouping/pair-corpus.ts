// Hand-written pairs of failure records, in the styles Causeloop ingests: Loghub-style log
// lines (HDFS, BGL, Thunderbird, Apache, OpenSSH, Linux, Spark, Zookeeper, Hadoop, Android,
// Windows CBS), Java/Python/Go/Node errors with stack traces, Kubernetes events, HTTP
// errors, CI failures, database errors. A `same` pair differs only in variable values (ids,
// addresses, paths, times, durations, hashes, quoted names…) and must share a fingerprint;
// an `apart` pair differs in its cause (error type, errno, status or exit code, a word that
// changes the meaning) or in where it happened (service, component) and must not.
//
// Each record carries a cause label: records with one label and one service/component are
// one true group, across pairs too, so the whole corpus can be scored pairwise.

export interface CorpusRecord {
  readonly cause: string;
  readonly service: string;
  readonly component: string;
  readonly title: string;
  readonly body?: string;
}

export interface CorpusPair {
  readonly same: boolean;
  readonly a: CorpusRecord;
  readonly b: CorpusRecord;
}

type Text = string | { readonly title: string; readonly body: string };
type Where = readonly [service: string, component: string];

const record = (cause: string, [service, component]: Where, text: Text): CorpusRecord =>
  typeof text === 'string' ? { cause, service, component, title: text } : { cause, service, component, ...text };

const same = (cause: string, where: Where, a: Text, b: Text): CorpusPair => ({ same: true, a: record(cause, where, a), b: record(cause, where, b) });

const apart = (a: readonly [string, Where, Text], b: readonly [string, Where, Text]): CorpusPair => ({
  same: false,
  a: record(...a),
  b: record(...b),
});

const hdfs: Where = ['hdfs', 'datanode'];
const namenode: Where = ['hdfs', 'namenode'];
const bgl: Where = ['bgl', 'ras'];
const tbird: Where = ['thunderbird', 'syslog'];
const apacheError: Where = ['apache', 'error-log'];
const edge: Where = ['storefront', 'edge'];
const sshd: Where = ['bastion', 'sshd'];
const linux: Where = ['combo', 'syslog'];
const spark: Where = ['spark', 'executor'];
const zookeeper: Where = ['zookeeper', 'quorum'];
const hadoop: Where = ['hadoop', 'mr-appmaster'];
const android: Where = ['android', 'activity-manager'];
const cbs: Where = ['windows-update', 'cbs'];
const checkoutApi: Where = ['checkout', 'api'];
const pspClient: Where = ['payments', 'psp-client'];
const ordersPool: Where = ['orders', 'db-pool'];
const billingWorker: Where = ['billing', 'worker'];
const indexer: Where = ['search', 'indexer'];
const inventory: Where = ['inventory', 'grpc-client'];
const sessions: Where = ['sessions', 'redis-client'];
const kubelet: Where = ['checkout', 'kubelet'];
const scheduler: Where = ['platform', 'scheduler'];
const bff: Where = ['storefront', 'bff'];
const ci: Where = ['ci', 'test'];
const postgres: Where = ['orders', 'postgres'];
const mysql: Where = ['legacy-shop', 'mysql'];
const platform: Where = ['platform', 'node'];

const traceback = (frames: string, exception: string) => `Traceback (most recent call last):\n${frames}\n${exception}`;

export const pairCorpus: readonly CorpusPair[] = [
  // --- HDFS ----------------------------------------------------------------------------------------
  same('hdfs-responder-terminating', hdfs,
    '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
    '081109 204005 35 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_-6952295868487656571 terminating'),
  same('hdfs-receiving-block', hdfs,
    '081109 203807 222 INFO dfs.DataNode$DataXceiver: Receiving block blk_-6952295868487656571 src: /10.251.73.220:54106 dest: /10.251.73.220:50010',
    '081110 101112 9 INFO dfs.DataNode$DataXceiver: Receiving block blk_7128370237687728475 src: /10.250.19.102:37122 dest: /10.250.19.102:50010'),
  same('hdfs-stored-block', namenode,
    '081109 203807 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864',
    '081109 204106 29 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.250.11.85:50010 is added to blk_-3544583377289625738 size 3541'),
  same('hdfs-serving-exception', hdfs,
    '081110 004530 4097 WARN dfs.DataNode$DataXceiver: 10.251.30.85:50010:Got exception while serving blk_-1528369738236018412 to /10.251.89.155:',
    '081111 111842 5213 WARN dfs.DataNode$DataXceiver: 10.250.14.224:50010:Got exception while serving blk_6996194389878584395 to /10.251.106.10:'),
  same('hdfs-deleting-block', hdfs,
    '081109 214043 2561 INFO dfs.FSDataset: Deleting block blk_-5140072410813878235 file /mnt/hadoop/dfs/data/current/subdir19/blk_-5140072410813878235',
    '081110 093012 19 INFO dfs.FSDataset: Deleting block blk_4292382298896622412 file /mnt/hadoop/dfs/data/current/subdir48/blk_4292382298896622412'),
  apart(
    ['hdfs-receiving-block', hdfs, '081109 204655 556 INFO dfs.DataNode$DataXceiver: Receiving block blk_3587508140051953248 src: /10.251.42.84:57069 dest: /10.251.42.84:50010'],
    ['hdfs-received-block', hdfs, '081109 204722 567 INFO dfs.DataNode$PacketResponder: Received block blk_3587508140051953248 of size 67108864 from /10.251.42.84']),
  apart(
    ['hdfs-deleting-block', hdfs, '081109 214043 2561 INFO dfs.FSDataset: Deleting block blk_-5140072410813878235 file /mnt/hadoop/dfs/data/current/subdir19/blk_-5140072410813878235'],
    ['hdfs-invalidset', namenode, '081109 214044 19 INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: blk_-5140072410813878235 is added to invalidSet of 10.251.71.16:50010']),

  // --- BGL ---------------------------------------------------------------------------------------
  same('bgl-icache-parity', bgl,
    '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected',
    '- 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL INFO instruction cache parity error corrected'),
  same('bgl-ciod-read-prefix', bgl,
    '- 1117869872 2005.06.04 R24-M1-NC-I:J18-U11 2005-06-04-00.24.32.398284 R24-M1-NC-I:J18-U11 RAS APP FATAL ciod: failed to read message prefix on control stream (CioStream socket to 172.16.96.116:33569',
    '- 1117870123 2005.06.04 R27-M1-N4-I:J18-U01 2005-06-04-00.28.43.118235 R27-M1-N4-I:J18-U01 RAS APP FATAL ciod: failed to read message prefix on control stream (CioStream socket to 172.16.96.118:45021'),
  same('bgl-generating-core', bgl,
    '- 1117955341 2005.06.05 R25-M0-N7-C:J02-U01 2005-06-05-00.09.01.903741 R25-M0-N7-C:J02-U01 RAS KERNEL INFO generating core.2275',
    '- 1117956302 2005.06.05 R21-M1-N8-C:J11-U11 2005-06-05-00.25.02.419305 R21-M1-N8-C:J11-U11 RAS KERNEL INFO generating core.862'),
  apart(
    ['bgl-icache-parity', bgl, '- 1118769001 2005.06.14 R23-M0-NE-C:J05-U11 2005-06-14-10.10.01.113402 R23-M0-NE-C:J05-U11 RAS KERNEL INFO instruction cache parity error corrected'],
    ['bgl-data-tlb', bgl, '- 1118769134 2005.06.14 R23-M0-NE-C:J05-U11 2005-06-14-10.12.14.554981 R23-M0-NE-C:J05-U11 RAS KERNEL FATAL data TLB error interrupt']),
  apart(
    ['bgl-ddr-corrected', bgl, '- 1118855190 2005.06.15 R16-M1-N2-C:J17-U01 2005-06-15-10.06.30.249301 R16-M1-N2-C:J17-U01 RAS KERNEL INFO 3 ddr error(s) detected and corrected on rank 0, symbol 24, bit 3'],
    ['bgl-ddr-uncorrectable', bgl, '- 1118855421 2005.06.15 R16-M1-N2-C:J17-U01 2005-06-15-10.10.21.713380 R16-M1-N2-C:J17-U01 RAS KERNEL FATAL 1 ddr error(s) detected and uncorrectable on rank 0, symbol 24, bit 3']),

  // --- Thunderbird -------------------------------------------------------------------------------
  same('tbird-crond-closed', tbird,
    '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root',
    '- 1131570061 2005.11.09 cn142 Nov 9 13:01:01 cn142/cn142 crond(pam_unix)[9977]: session closed for user root'),
  same('tbird-no-topology-change', tbird,
    '- 1131567095 2005.11.09 tbird-sm1 Nov 9 12:11:35 src@tbird-sm1 ib_sm.x[24904]: [ib_sm_sweep.c:1831]: No topology change',
    '- 1131568895 2005.11.09 tbird-sm1 Nov 9 12:41:35 src@tbird-sm1 ib_sm.x[24904]: [ib_sm_sweep.c:1831]: No topology change'),
  same('tbird-ntpd-synced', tbird,
    '- 1131573127 2005.11.09 an706 Nov 9 13:52:07 an706/an706 ntpd[7455]: synchronized to 10.100.16.250, stratum 3',
    '- 1131590412 2005.11.09 bn83 Nov 9 18:40:12 bn83/bn83 ntpd[2011]: synchronized to 10.100.18.250, stratum 3'),
  apart(
    ['tbird-crond-closed', tbird, '- 1131574261 2005.11.09 dn731 Nov 9 14:01:01 dn731/dn731 crond(pam_unix)[3122]: session closed for user root'],
    ['tbird-crond-opened', tbird, '- 1131574261 2005.11.09 dn731 Nov 9 14:01:01 dn731/dn731 crond(pam_unix)[3121]: session opened for user root by (uid=0)']),

  // --- Apache error log ----------------------------------------------------------------------------
  same('apache-file-missing', apacheError,
    '[Sun Dec 04 04:47:44 2005] [error] [client 211.4.143.112] File does not exist: /var/www/html/favicon.ico',
    '[Mon Dec 05 11:06:51 2005] [error] [client 222.166.160.184] File does not exist: /var/www/html/robots.txt'),
  same('apache-workerenv-init', apacheError,
    '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
    '[Sun Dec 04 06:30:01 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties'),
  same('apache-jk-error-state', apacheError,
    '[Sun Dec 04 04:51:18 2005] [error] mod_jk child workerEnv in error state 6',
    '[Sun Dec 04 05:04:04 2005] [error] mod_jk child workerEnv in error state 7'),
  apart(
    ['apache-file-missing', apacheError, '[Sun Dec 04 20:34:19 2005] [error] [client 218.75.106.250] File does not exist: /var/www/html/index.php'],
    ['apache-index-forbidden', apacheError, '[Sun Dec 04 20:34:21 2005] [error] [client 218.75.106.250] Directory index forbidden by rule: /var/www/html/']),
  apart(
    ['apache-workerenv-init', apacheError, '[Sun Dec 04 17:43:08 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties'],
    ['apache-jk2-found-child', apacheError, '[Sun Dec 04 17:43:08 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10']),

  // --- HTTP access log ---------------------------------------------------------------------------
  same('edge-502', edge,
    '10.0.4.17 - - [07/Dec/2024:12:00:01 +0000] "GET /api/v1/orders/8812 HTTP/1.1" 502 157 "-" "curl/8.4.0"',
    '192.168.1.44 - - [07/Dec/2024:12:03:22 +0000] "GET /api/v1/orders/99120 HTTP/1.1" 502 157 "-" "python-requests/2.31.0"'),
  same('edge-429', edge,
    '203.0.113.9 - - [07/Dec/2024:13:10:44 +0000] "POST /v1/ingest/batch HTTP/1.1" 429 64 "-" "Go-http-client/2.0"',
    '198.51.100.23 - - [07/Dec/2024:13:11:02 +0000] "POST /v1/ingest/batch HTTP/2.0" 429 64 "-" "okhttp/4.12.0"'),
  apart(
    ['edge-502', edge, '10.0.4.18 - - [07/Dec/2024:14:00:09 +0000] "GET /api/v1/orders/31 HTTP/1.1" 502 157 "-" "curl/8.4.0"'],
    ['edge-503', edge, '10.0.4.18 - - [07/Dec/2024:14:00:09 +0000] "GET /api/v1/orders/31 HTTP/1.1" 503 157 "-" "curl/8.4.0"']),
  apart(
    ['edge-502', edge, '10.0.9.2 - - [07/Dec/2024:15:20:19 +0000] "GET /api/v1/orders/7 HTTP/1.1" 502 157 "-" "curl/8.4.0"'],
    ['edge-504', edge, '10.0.9.2 - - [07/Dec/2024:15:20:49 +0000] "GET /api/v1/orders/7 HTTP/1.1" 504 157 "-" "curl/8.4.0"']),
  apart(
    ['edge-429', edge, '203.0.113.77 - - [07/Dec/2024:16:00:00 +0000] "POST /v1/ingest/batch HTTP/1.1" 429 64 "-" "okhttp/4.12.0"'],
    ['edge-503', edge, '203.0.113.77 - - [07/Dec/2024:16:00:00 +0000] "POST /v1/ingest/batch HTTP/1.1" 503 64 "-" "okhttp/4.12.0"']),

  // --- OpenSSH -----------------------------------------------------------------------------------
  same('ssh-invalid-user', sshd,
    'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186',
    'Dec 10 07:02:47 LabSZ sshd[24203]: Invalid user webmaster from 52.80.34.196'),
  same('ssh-failed-password-invalid', sshd,
    'Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
    'Dec 10 09:11:20 LabSZ sshd[24503]: Failed password for invalid user webmaster from 112.95.230.3 port 45570 ssh2'),
  same('ssh-bye-bye', sshd,
    'Dec 10 06:55:48 LabSZ sshd[24200]: Received disconnect from 173.234.31.186: 11: Bye Bye [preauth]',
    'Dec 10 10:14:05 LabSZ sshd[24611]: Received disconnect from 183.62.140.253: 11: Bye Bye [preauth]'),
  same('ssh-reverse-mapping', sshd,
    'Dec 10 07:07:38 LabSZ sshd[24206]: reverse mapping checking getaddrinfo for 177.220.179.19.static.gvt.net.br [177.220.179.19] failed - POSSIBLE BREAK-IN ATTEMPT!',
    'Dec 10 07:08:28 LabSZ sshd[24208]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!'),
  apart(
    ['ssh-failed-password', sshd, 'Dec 10 09:32:20 LabSZ sshd[24680]: Failed password for fztu from 119.137.62.142 port 49116 ssh2'],
    ['ssh-accepted-password', sshd, 'Dec 10 09:32:21 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2']),
  apart(
    ['ssh-connection-closed', sshd, 'Dec 10 11:03:40 LabSZ sshd[25448]: Connection closed by 183.62.140.253 [preauth]'],
    ['ssh-connection-reset', sshd, 'Dec 10 11:03:44 LabSZ sshd[25450]: Connection reset by 183.62.140.253 [preauth]']),

  // --- Linux syslog ------------------------------------------------------------------------------
  same('linux-sshd-auth-failure', linux,
    'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4',
    'Jun 15 04:06:18 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net'),
  same('linux-oom-killed-process', linux,
    'Jul 27 14:41:57 combo kernel: Out of Memory: Killed process 2592 (httpd).',
    'Jul 27 15:02:11 combo kernel: Out of Memory: Killed process 3105 (httpd).'),
  same('linux-netdev-watchdog', linux,
    'Jul 28 03:12:44 combo kernel: NETDEV WATCHDOG: eth0 (e1000e): transmit queue 0 timed out',
    'Jul 29 21:40:02 combo kernel: NETDEV WATCHDOG: eth1 (e1000e): transmit queue 2 timed out'),
  apart(
    ['linux-su-session-opened', linux, 'Jul 1 09:01:05 combo su(pam_unix)[2563]: session opened for user news by (uid=0)'],
    ['linux-su-session-closed', linux, 'Jul 1 09:01:06 combo su(pam_unix)[2563]: session closed for user news']),
  apart(
    ['linux-oom-killed-process', linux, 'Jul 30 02:11:09 combo kernel: Out of Memory: Killed process 4410 (httpd).'],
    ['linux-oom-killed-process', ['edge-proxy', 'syslog'], 'Jul 30 02:11:09 proxy-3 kernel: Out of Memory: Killed process 4410 (httpd).']),

  // --- Spark, Zookeeper, Hadoop ------------------------------------------------------------------
  same('spark-found-block', spark,
    '17/06/09 20:10:46 INFO storage.BlockManager: Found block rdd_42_20 locally',
    '17/06/09 20:11:02 INFO storage.BlockManager: Found block rdd_2_7 locally'),
  same('spark-running-task', spark,
    '17/06/09 20:10:40 INFO executor.Executor: Running task 0.0 in stage 0.0 (TID 0)',
    '17/06/09 20:10:55 INFO executor.Executor: Running task 14.0 in stage 3.0 (TID 142)'),
  apart(
    ['spark-found-block', spark, '17/06/09 20:12:00 INFO storage.BlockManager: Found block rdd_42_20 locally'],
    ['spark-block-not-removed', spark, '17/06/09 20:12:01 WARN storage.BlockManager: Block rdd_42_20 could not be removed as it was not found on disk or in memory']),
  same('zk-interrupted-waiting', zookeeper,
    '2015-07-29 17:41:44,747 - WARN  [SendWorker:188978561024:QuorumCnxManager$SendWorker@688] - Interrupted while waiting for message on queue',
    '2015-07-30 09:02:11,218 - WARN  [SendWorker:2:QuorumCnxManager$SendWorker@679] - Interrupted while waiting for message on queue'),
  same('zk-connection-broken', zookeeper,
    '2015-07-29 19:04:12,394 - WARN  [RecvWorker:188978561024:QuorumCnxManager$RecvWorker@765] - Connection broken for id 188978561024, my id = 1, error =',
    '2015-07-29 19:52:03,101 - WARN  [RecvWorker:3:QuorumCnxManager$RecvWorker@765] - Connection broken for id 3, my id = 2, error ='),
  apart(
    ['zk-connection-broken', zookeeper, '2015-07-29 19:04:29,071 - WARN  [RecvWorker:3:QuorumCnxManager$RecvWorker@765] - Connection broken for id 3, my id = 1, error ='],
    ['zk-cannot-open-channel', zookeeper, '2015-07-29 19:04:29,079 - WARN  [WorkerSender[myid=1]:QuorumCnxManager@368] - Cannot open channel to 3 at election address /10.10.34.13:3888']),
  same('hadoop-attempt-new-unassigned', hadoop,
    '2015-10-18 18:01:52,876 INFO [AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl: attempt_1445144423722_0020_m_000000_0 TaskAttempt Transitioned from NEW to UNASSIGNED',
    '2015-10-18 18:02:17,013 INFO [AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl: attempt_1445144423722_0020_m_000004_0 TaskAttempt Transitioned from NEW to UNASSIGNED'),
  same('hadoop-lease-renew-failed', hadoop,
    '2015-10-18 18:05:34,188 WARN [LeaseRenewer:msrabi@msra-sa-41:9000] org.apache.hadoop.hdfs.LeaseRenewer: Failed to renew lease for [DFSClient_NONMAPREDUCE_1537864556_1] for 30 seconds.  Will retry shortly ...',
    '2015-10-18 18:09:55,302 WARN [LeaseRenewer:msrabi@msra-sa-41:9000] org.apache.hadoop.hdfs.LeaseRenewer: Failed to renew lease for [DFSClient_NONMAPREDUCE_-821574096_1] for 51 seconds.  Will retry shortly ...'),
  apart(
    ['hadoop-lease-renew-failed', hadoop, '2015-10-18 18:10:34,188 WARN [LeaseRenewer:msrabi@msra-sa-41:9000] org.apache.hadoop.hdfs.LeaseRenewer: Failed to renew lease for [DFSClient_NONMAPREDUCE_1537864556_1] for 40 seconds.  Will retry shortly ...'],
    ['hadoop-retrying-connect', hadoop, '2015-10-18 18:10:56,479 INFO [RMCommunicator Allocator] org.apache.hadoop.ipc.Client: Retrying connect to server: msra-sa-41:8030. Already tried 0 time(s); maxRetries=45']),

  // --- Android, Windows CBS ----------------------------------------------------------------------
  same('android-killing-empty', android,
    '03-17 16:13:47.518  1702 17827 I ActivityManager: Killing 2743:com.tencent.mm:push/u0a80 (adj 906): empty #17',
    '03-17 16:15:10.774  1702 17827 I ActivityManager: Killing 3412:com.tencent.mm:tools/u0a80 (adj 906): empty #18'),
  apart(
    ['android-killing-empty', android, '03-17 16:16:02.110  1702 17827 I ActivityManager: Killing 4157:com.tencent.mm:push/u0a80 (adj 906): empty #17'],
    ['android-start-proc', android, '03-17 16:16:02.125  1702  1733 I ActivityManager: Start proc 4157:com.tencent.mm:push/u0a80 for service com.tencent.mm/.booter.CoreService']),
  same('cbs-session-initialized', cbs,
    '2016-09-28 04:30:30, Info                  CBS    Session: 30546173_4261722401 initialized by client WindowsUpdateAgent.',
    '2016-09-29 02:04:11, Info                  CBS    Session: 30546354_2195693102 initialized by client WindowsUpdateAgent.'),
  same('cbs-loaded-stack', cbs,
    '2016-09-28 04:30:31, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0\\cbscore.dll',
    '2016-10-02 11:12:09, Info                  CBS    Loaded Servicing Stack v6.1.7601.17514 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.17514_none_0b66cb34258c936f\\cbscore.dll'),
  same('cbs-invalid-package', cbs,
    "2016-09-28 04:30:31, Error                 CBS    Failed to resolve package 'Package_1_for_KB2533552~31bf3856ad364e35~amd64~~6.1.1.1' [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]",
    "2016-09-30 14:02:50, Error                 CBS    Failed to resolve package 'Package_27_for_KB3125574~31bf3856ad364e35~amd64~~6.1.4.4' [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]"),
  apart(
    ['cbs-invalid-package', cbs, "2016-10-01 04:30:31, Error                 CBS    Failed to resolve package 'Package_1_for_KB2533552~31bf3856ad364e35~amd64~~6.1.1.1' [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]"],
    ['cbs-file-not-found', cbs, "2016-10-01 04:31:02, Error                 CBS    Failed to resolve package 'Package_1_for_KB2533552~31bf3856ad364e35~amd64~~6.1.1.1' [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]"]),
  apart(
    ['cbs-hresult-access-denied', cbs, '2016-10-03 09:12:41, Error                 CBS    Failed to open package file: C:\\Windows\\Servicing\\Packages\\Package_for_KB4012212.mum [HRESULT = 0x80070005]'],
    ['cbs-hresult-sharing-violation', cbs, '2016-10-03 09:12:44, Error                 CBS    Failed to open package file: C:\\Windows\\Servicing\\Packages\\Package_for_KB4012212.mum [HRESULT = 0x80070020]']),

  // --- Java --------------------------------------------------------------------------------------
  same('java-npe-cart-total', checkoutApi,
    { title: 'NullPointerException in CheckoutController', body: 'java.lang.NullPointerException: Cannot invoke "com.acme.cart.Cart.getTotal()" because "cart" is null\n\tat com.acme.checkout.CheckoutController.submit(CheckoutController.java:88)\n\tat jdk.internal.reflect.GeneratedMethodAccessor212.invoke(Unknown Source)' },
    { title: 'NullPointerException in CheckoutController', body: 'java.lang.NullPointerException: Cannot invoke "com.acme.cart.Cart.getTotal()" because "cart" is null\n\tat com.acme.checkout.CheckoutController.submit(CheckoutController.java:91)\n\tat jdk.internal.reflect.GeneratedMethodAccessor87.invoke(Unknown Source)\n\t... 42 more' }),
  same('java-read-timeout', pspClient,
    { title: 'Payment provider call failed', body: 'org.springframework.web.client.ResourceAccessException: I/O error on POST request for "https://api.psp.example.com/v1/charges": Read timed out\n\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)\nCaused by: java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)' },
    { title: 'Payment provider call failed', body: 'org.springframework.web.client.ResourceAccessException: I/O error on POST request for "https://api.psp.example.com/v1/refunds/re_8812": Read timed out\n\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:785)\nCaused by: java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:283)' }),
  apart(
    ['java-read-timeout', pspClient, { title: 'Payment provider call failed', body: 'org.springframework.web.client.ResourceAccessException: I/O error on POST request for "https://api.psp.example.com/v1/charges": Read timed out\nCaused by: java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)' }],
    ['java-connect-refused', pspClient, { title: 'Payment provider call failed', body: 'org.springframework.web.client.ResourceAccessException: I/O error on POST request for "https://api.psp.example.com/v1/charges": Connection refused\nCaused by: java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)' }]),
  apart(
    ['java-npe-cart-total', checkoutApi, { title: 'NullPointerException in CheckoutController', body: 'java.lang.NullPointerException: Cannot invoke "com.acme.cart.Cart.getTotal()" because "cart" is null\n\tat com.acme.checkout.CheckoutController.submit(CheckoutController.java:88)' }],
    ['java-illegal-state', checkoutApi, { title: 'Checkout failed', body: 'java.lang.IllegalStateException: Cart 8812 is already checked out\n\tat com.acme.checkout.CheckoutController.submit(CheckoutController.java:64)' }]),
  same('java-hikari-timeout', ordersPool,
    'HikariPool-1 - Connection is not available, request timed out after 30004ms.',
    'HikariPool-1 - Connection is not available, request timed out after 30011ms.'),
  same('java-heap-space', billingWorker,
    { title: 'Worker crashed', body: 'Exception in thread "pool-3-thread-7" java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3332)' },
    { title: 'Worker crashed', body: 'Exception in thread "pool-1-thread-2" java.lang.OutOfMemoryError: Java heap space\n\tat java.lang.StringCoding.encode(StringCoding.java:344)' }),
  apart(
    ['java-heap-space', billingWorker, { title: 'Worker crashed', body: 'Exception in thread "pool-2-thread-1" java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3332)' }],
    ['java-metaspace', billingWorker, { title: 'Worker crashed', body: 'Exception in thread "pool-2-thread-1" java.lang.OutOfMemoryError: Metaspace\n\tat java.lang.ClassLoader.defineClass1(Native Method)' }]),
  same('java-concurrent-modification', checkoutApi,
    'java.util.ConcurrentModificationException at com.acme.cache.LruCache@5f3a2b.evict',
    'java.util.ConcurrentModificationException at com.acme.cache.LruCache@1b6d3586.evict'),

  // --- Python ------------------------------------------------------------------------------------
  same('py-keyerror-customer', billingWorker,
    { title: 'Task billing.charge_invoice[8f14e45f-ceea-467f-a0e6-1c3b2e4a1f0d] failed', body: traceback('  File "/app/billing/tasks.py", line 42, in charge_invoice\n    customer = payload["customer"]', "KeyError: 'customer'") },
    { title: 'Task billing.charge_invoice[c9f0f895-fb98-4b91-99f5-1f0c3a6d7e21] failed', body: traceback('  File "/app/billing/tasks.py", line 44, in charge_invoice\n    customer = payload["customer"]', "KeyError: 'customer'") }),
  apart(
    ['py-keyerror-customer', billingWorker, { title: 'Task billing.charge_invoice[45c48cce-2e2d-4fbd-aa1c-0f1e2d3c4b5a] failed', body: traceback('  File "/app/billing/tasks.py", line 42, in charge_invoice', "KeyError: 'customer'") }],
    ['py-typeerror-none', billingWorker, { title: 'Task billing.charge_invoice[d3d94468-02a4-4d6b-9a52-6e5f4c3b2a19] failed', body: traceback('  File "/app/billing/tasks.py", line 57, in charge_invoice', "TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'") }]),
  same('py-es-refused', indexer,
    "requests.exceptions.ConnectionError: HTTPConnectionPool(host='es-1.search.internal', port=9200): Max retries exceeded with url: /products/_bulk (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a2b1c4d90>: Failed to establish a new connection: [Errno 111] Connection refused'))",
    "requests.exceptions.ConnectionError: HTTPConnectionPool(host='es-2.search.internal', port=9200): Max retries exceeded with url: /orders/_bulk (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f91c0a2e150>: Failed to establish a new connection: [Errno 111] Connection refused'))"),
  apart(
    ['py-errno-111', indexer, 'OSError: [Errno 111] Connection refused'],
    ['py-errno-113', indexer, 'OSError: [Errno 113] No route to host']),
  same('py-unique-violation', ['accounts', 'django'],
    { title: 'IntegrityError at /signup/', body: traceback('  File "/app/accounts/views.py", line 31, in signup\n    user.save()', 'django.db.utils.IntegrityError: duplicate key value violates unique constraint "accounts_user_email_key"\nDETAIL:  Key (email)=(alice@example.com) already exists.') },
    { title: 'IntegrityError at /signup/', body: traceback('  File "/app/accounts/views.py", line 33, in signup\n    user.save()', 'django.db.utils.IntegrityError: duplicate key value violates unique constraint "accounts_user_email_key"\nDETAIL:  Key (email)=(bob@example.org) already exists.') }),
  same('py-module-missing', ['ml', 'batch'],
    { title: 'scoring job failed', body: traceback('  File "/opt/jobs/score.py", line 3, in <module>\n    import lightgbm', "ModuleNotFoundError: No module named 'lightgbm'") },
    { title: 'scoring job failed', body: traceback('  File "/opt/jobs/score.py", line 4, in <module>\n    import xgboost', "ModuleNotFoundError: No module named 'xgboost'") }),
  apart(
    ['py-module-missing', ['ml', 'batch'], { title: 'scoring job failed', body: traceback('  File "/opt/jobs/score.py", line 3, in <module>', "ModuleNotFoundError: No module named 'lightgbm'") }],
    ['py-import-error', ['ml', 'batch'], { title: 'scoring job failed', body: traceback('  File "/opt/jobs/score.py", line 3, in <module>', "ImportError: cannot import name 'Booster' from 'lightgbm'") }]),

  // --- Go ----------------------------------------------------------------------------------------
  same('go-grpc-unavailable', inventory,
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.4.2.17:50051: connect: connection refused"',
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.4.7.3:50051: connect: connection refused"'),
  apart(
    ['go-grpc-deadline', inventory, 'rpc error: code = DeadlineExceeded desc = context deadline exceeded'],
    ['go-grpc-canceled', inventory, 'rpc error: code = Canceled desc = context canceled']),
  same('go-dial-timeout', inventory,
    'dial tcp 10.4.2.17:5432: i/o timeout',
    'dial tcp 10.4.9.201:5432: i/o timeout'),
  apart(
    ['go-dial-timeout', inventory, 'dial tcp 10.4.2.18:5432: i/o timeout'],
    ['go-dial-refused', inventory, 'dial tcp 10.4.2.18:5432: connect: connection refused']),
  same('go-panic-nil-map', ['inventory', 'sync'],
    { title: 'inventory-sync crashed', body: 'panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.(*Syncer).apply(0xc000112000)\n\t/app/sync.go:88 +0x1d' },
    { title: 'inventory-sync crashed', body: 'panic: assignment to entry in nil map\n\ngoroutine 34 [running]:\nmain.(*Syncer).apply(0xc0004a6f00)\n\t/app/sync.go:88 +0x1d' }),
  apart(
    ['go-panic-nil-map', ['inventory', 'sync'], { title: 'inventory-sync crashed', body: 'panic: assignment to entry in nil map\n\ngoroutine 7 [running]:' }],
    ['go-panic-index', ['inventory', 'sync'], { title: 'inventory-sync crashed', body: 'panic: runtime error: index out of range [5] with length 3\n\ngoroutine 7 [running]:' }]),

  // --- Node --------------------------------------------------------------------------------------
  same('node-redis-refused', sessions, 'Error: connect ECONNREFUSED 10.2.3.4:6379', 'Error: connect ECONNREFUSED 10.2.9.12:6379'),
  apart(['node-redis-refused', sessions, 'Error: connect ECONNREFUSED 10.2.3.4:6379'], ['node-redis-timedout', sessions, 'Error: connect ETIMEDOUT 10.2.3.4:6379']),
  apart(
    ['node-redis-refused', sessions, 'Error: connect ECONNREFUSED 10.2.3.7:6379'],
    ['node-redis-refused', ['sessions', 'cache-warmer'], 'Error: connect ECONNREFUSED 10.2.3.7:6379']),
  same('node-config-missing', ['sessions', 'boot'],
    "Error: ENOENT: no such file or directory, open '/app/config/local.json'",
    "Error: ENOENT: no such file or directory, open '/srv/app/config/production.json'"),
  apart(
    ['node-config-missing', ['sessions', 'boot'], "Error: ENOENT: no such file or directory, open '/app/config/local.json'"],
    ['node-config-denied', ['sessions', 'boot'], "Error: EACCES: permission denied, open '/app/config/local.json'"]),
  same('node-undefined-id', ['storefront', 'ssr'],
    { title: 'Unhandled rejection', body: "TypeError: Cannot read properties of undefined (reading 'id')\n    at renderOrder (/app/src/routes/orders.js:42:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)" },
    { title: 'Unhandled rejection', body: "TypeError: Cannot read properties of undefined (reading 'id')\n    at renderOrder (/app/src/routes/orders.js:45:21)\n    at async Promise.all (index 3)" }),

  // --- Kubernetes --------------------------------------------------------------------------------
  same('k8s-backoff-api', kubelet,
    'Back-off restarting failed container api in pod checkout-7d9f8b6c5-x2x9z_prod(5f0c1c2e-9c2d-4c3b-8a77-0b8f2f1c2d3e)',
    'Back-off restarting failed container api in pod checkout-7d9f8b6c5-h8k2p_prod(0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d)'),
  apart(
    ['k8s-backoff-api', kubelet, 'Back-off restarting failed container api in pod checkout-7d9f8b6c5-q9w8e_prod(11111111-2222-4333-8444-555555555555)'],
    ['k8s-backoff-api', ['payments', 'kubelet'], 'Back-off restarting failed container api in pod payments-5b6c7d8e9f-k3j4h_prod(66666666-7777-4888-9999-000000000000)']),
  same('k8s-oomkilled', kubelet,
    'Container worker terminated: Reason: OOMKilled, Exit Code: 137, Started: Sat, 07 Dec 2024 12:00:01 +0000, Finished: Sat, 07 Dec 2024 12:04:19 +0000',
    'Container worker terminated: Reason: OOMKilled, Exit Code: 137, Started: Sun, 08 Dec 2024 03:10:44 +0000, Finished: Sun, 08 Dec 2024 03:11:02 +0000'),
  apart(
    ['k8s-oomkilled', kubelet, 'Container worker terminated: Reason: OOMKilled, Exit Code: 137, Started: Mon, 09 Dec 2024 08:00:00 +0000, Finished: Mon, 09 Dec 2024 08:30:00 +0000'],
    ['k8s-error-exit-1', kubelet, 'Container worker terminated: Reason: Error, Exit Code: 1, Started: Mon, 09 Dec 2024 08:00:00 +0000, Finished: Mon, 09 Dec 2024 08:30:00 +0000']),
  same('k8s-insufficient-cpu', scheduler, '0/12 nodes are available: 12 Insufficient cpu.', '0/7 nodes are available: 3 Insufficient cpu.'),
  apart(['k8s-insufficient-cpu', scheduler, '0/9 nodes are available: 9 Insufficient cpu.'], ['k8s-insufficient-memory', scheduler, '0/9 nodes are available: 9 Insufficient memory.']),
  same('k8s-readiness-deadline', kubelet,
    'Readiness probe failed: Get "http://10.42.3.17:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    'Readiness probe failed: Get "http://10.42.7.9:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'),
  apart(
    ['k8s-liveness-503', kubelet, 'Liveness probe failed: HTTP probe failed with statuscode: 503'],
    ['k8s-liveness-500', kubelet, 'Liveness probe failed: HTTP probe failed with statuscode: 500']),
  same('k8s-image-not-found', kubelet,
    'Failed to pull image "registry.example.com/payments/api:v1.42.0": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/payments/api:v1.42.0": not found',
    'Failed to pull image "registry.example.com/payments/api:v1.43.1": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/payments/api:v1.43.1": not found'),
  apart(
    ['k8s-image-not-found', kubelet, 'Failed to pull image "registry.example.com/payments/api:v1.44.0": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/payments/api:v1.44.0": not found'],
    ['k8s-image-unauthorized', kubelet, 'Failed to pull image "registry.example.com/payments/api:v1.44.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/payments/api:v1.44.0": 401 Unauthorized']),
  same('k8s-evicted-memory', kubelet,
    'The node was low on resource: memory. Container api was using 2316148Ki, which exceeds its request of 512Mi.',
    'The node was low on resource: memory. Container api was using 1895224Ki, which exceeds its request of 768Mi.'),
  same('k8s-volume-mount', kubelet,
    'MountVolume.SetUp failed for volume "pvc-3f2a9c1e-8b7d-4e6f-a5c4-b3d2e1f0a9b8" : rpc error: code = DeadlineExceeded desc = context deadline exceeded',
    'MountVolume.SetUp failed for volume "pvc-7c6b5a49-3827-4160-9f8e-7d6c5b4a3928" : rpc error: code = DeadlineExceeded desc = context deadline exceeded'),

  // --- HTTP clients ------------------------------------------------------------------------------
  same('http-upstream-503', bff,
    'upstream payments returned HTTP 503 for POST /v1/charges in 2.3s',
    'upstream payments returned HTTP 503 for POST /v1/charges/ch_3Nf8aZ in 812ms'),
  apart(
    ['http-upstream-503', bff, 'upstream payments returned HTTP 503 for POST /v1/charges in 1.9s'],
    ['http-upstream-429', bff, 'upstream payments returned HTTP 429 for POST /v1/charges in 40ms']),
  same('http-axios-429', bff,
    { title: 'AxiosError: Request failed with status code 429', body: 'AxiosError: Request failed with status code 429\n    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)\n    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/http.js:589:11)' },
    { title: 'AxiosError: Request failed with status code 429', body: 'AxiosError: Request failed with status code 429\n    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)\n    at Axios.request (/app/node_modules/axios/lib/core/Axios.js:45:41)' }),
  apart(['http-axios-429', bff, 'AxiosError: Request failed with status code 429'], ['http-axios-500', bff, 'AxiosError: Request failed with status code 500']),
  apart(['http-axios-503', bff, 'AxiosError: Request failed with status code 503'], ['http-axios-503', ['admin-portal', 'bff'], 'AxiosError: Request failed with status code 503']),
  same('http-bad-gateway', bff,
    'GET https://api.example.com/v2/catalog/items?page=3 failed: 502 Bad Gateway',
    'GET https://api.example.com/v2/catalog/items?page=17&size=50 failed: 502 Bad Gateway'),
  apart(
    ['http-bad-gateway', bff, 'GET https://api.example.com/v2/catalog/items?page=4 failed: 502 Bad Gateway'],
    ['http-gateway-timeout', bff, 'GET https://api.example.com/v2/catalog/items?page=4 failed: 504 Gateway Timeout']),
  same('http-returned-404', bff, 'GET /v1/users/8812 returned 404', 'GET /v1/users/77 returned 404'),
  apart(['http-returned-404', bff, 'GET /v1/users/90 returned 404'], ['http-returned-410', bff, 'GET /v1/users/90 returned 410']),
  apart(['http-returned-404', bff, 'GET /v1/users/91 returned 404'], ['http-returned-404', ['storefront', 'graphql'], 'GET /v1/users/91 returned 404']),
  same('http-too-many-requests', ['storefront', 'search-client'],
    'search request failed: 429 (Too Many Requests), retry after 30 seconds',
    'search request failed: 429 (Too Many Requests), retry after 12 seconds'),
  apart(
    ['http-too-many-requests', ['storefront', 'search-client'], 'search request failed: 429 (Too Many Requests), retry after 5 seconds'],
    ['http-search-unavailable', ['storefront', 'search-client'], 'search request failed: 503 (Service Unavailable), retry after 5 seconds']),
  same('http-status-field', ['storefront', 'webhooks'],
    'webhook delivery failed status=500 endpoint=https://hooks.example.com/a1 attempt=3',
    'webhook delivery failed status=500 endpoint=https://hooks.example.net/zz/9 attempt=1'),
  apart(
    ['http-status-field', ['storefront', 'webhooks'], 'webhook delivery failed status=500 endpoint=https://hooks.example.com/a1 attempt=2'],
    ['http-status-field-410', ['storefront', 'webhooks'], 'webhook delivery failed status=410 endpoint=https://hooks.example.com/a1 attempt=2']),

  // --- CI ----------------------------------------------------------------------------------------
  same('ci-exit-1', ci,
    { title: 'Build #1842 failed: tests', body: 'Run npm test\n> vitest run\n FAIL  src/orders.test.ts > refunds > totals\n##[error]Process completed with exit code 1.' },
    { title: 'Build #1907 failed: tests', body: 'Run npm test\n> vitest run\n FAIL  src/orders.test.ts > refunds > totals\n##[error]Process completed with exit code 1.' }),
  apart(
    ['ci-exit-1', ci, { title: 'Build #1910 failed: tests', body: 'Run npm test\n FAIL  src/orders.test.ts > refunds > totals\n##[error]Process completed with exit code 1.' }],
    ['ci-exit-137', ci, { title: 'Build #1910 failed: tests', body: 'Run npm test\n##[error]Process completed with exit code 137.' }]),
  apart(
    ['ci-process-exit-1', ci, 'Error: Process completed with exit code 1.'],
    ['ci-process-exit-1', ['ci', 'deploy'], 'Error: Process completed with exit code 1.']),
  same('ci-npm-eresolve', ['ci', 'install'],
    { title: 'npm ci failed (run 88120)', body: 'npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! Found: react@18.2.0' },
    { title: 'npm ci failed (run 88342)', body: 'npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! Found: react@18.3.1' }),
  apart(
    ['ci-npm-eresolve', ['ci', 'install'], { title: 'npm ci failed (run 88400)', body: 'npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree' }],
    ['ci-npm-enotfound', ['ci', 'install'], { title: 'npm ci failed (run 88401)', body: 'npm ERR! code ENOTFOUND\nnpm ERR! network request to https://registry.npmjs.org/react failed' }]),
  same('ci-pytest-assert', ['ci', 'pytest'],
    { title: 'pytest failed', body: '============ FAILURES ============\nFAILED tests/test_orders.py::test_refund_total - AssertionError: assert 1200 == 1150\n1 failed, 212 passed in 41.20s' },
    { title: 'pytest failed', body: '============ FAILURES ============\nFAILED tests/test_orders.py::test_refund_total - AssertionError: assert 980 == 1150\n1 failed, 209 passed in 38.02s' }),
  apart(
    ['ci-pytest-assert', ['ci', 'pytest'], { title: 'pytest failed', body: 'FAILED tests/test_orders.py::test_refund_total - AssertionError: assert 700 == 1150' }],
    ['ci-pytest-timeout', ['ci', 'pytest'], { title: 'pytest failed', body: 'FAILED tests/test_orders.py::test_refund_total - requests.exceptions.ReadTimeout: read timeout=10' }]),
  same('ci-job-timeout', ['ci', 'runner'],
    'The job running on runner GitHub Actions 12 has exceeded the maximum execution time of 360 minutes.',
    'The job running on runner GitHub Actions 7 has exceeded the maximum execution time of 360 minutes.'),
  same('ci-checksum-mismatch', ['ci', 'artifacts'],
    'checksum mismatch for artifact build-8812.tar.gz: expected sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 got 60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
    'checksum mismatch for artifact build-9120.tar.gz: expected sha256 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae got fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9'),
  same('ci-merge-conflict', ['ci', 'merge-queue'],
    'CONFLICT (content): Merge conflict in src/orders/refund.ts after rebasing onto commit 4f2a9c1',
    'CONFLICT (content): Merge conflict in packages/client/src/index.ts after rebasing onto commit e83b07d'),

  // --- Databases ---------------------------------------------------------------------------------
  same('pg-unique-email', postgres,
    'ERROR: duplicate key value violates unique constraint "users_email_key" DETAIL: Key (email)=(alice@example.com) already exists. (SQLSTATE 23505)',
    'ERROR: duplicate key value violates unique constraint "users_email_key" DETAIL: Key (email)=(bob.smith@example.org) already exists. (SQLSTATE 23505)'),
  same('pg-deadlock', postgres,
    'ERROR: deadlock detected DETAIL: Process 12345 waits for ShareLock on transaction 67890; blocked by process 12399. (SQLSTATE 40P01)',
    'ERROR: deadlock detected DETAIL: Process 2201 waits for ShareLock on transaction 1190412; blocked by process 2277. (SQLSTATE 40P01)'),
  apart(
    ['pg-serialization', postgres, 'ERROR: could not serialize access due to concurrent update (SQLSTATE 40001)'],
    ['pg-read-only-transaction', postgres, 'ERROR: cannot execute UPDATE in a read-only transaction (SQLSTATE 25006)']),
  same('pg-relation-missing', postgres,
    'ERROR: relation "order_items_2024_11" does not exist at character 15',
    'ERROR: relation "order_items_2024_12" does not exist at character 22'),
  apart(
    ['pg-relation-missing', postgres, 'ERROR: relation "order_items_2025_01" does not exist at character 15'],
    ['pg-column-missing', postgres, 'ERROR: column "discount_code" does not exist at character 48']),
  same('pg-too-many-clients', postgres, 'FATAL: sorry, too many clients already', 'FATAL:  sorry, too many clients already'),
  apart(['pg-too-many-clients', postgres, 'FATAL: sorry, too many clients already'], ['pg-too-many-clients', ['billing', 'postgres'], 'FATAL: sorry, too many clients already']),
  same('pg-slow-query', postgres,
    'slow query took 2.5s: SELECT * FROM orders WHERE id = $1 AND tenant_id = $2',
    'slow query took 3812ms: SELECT * FROM orders WHERE id = $1 AND tenant_id = $2'),
  same('mysql-duplicate-entry', mysql,
    "ERROR 1062 (23000): Duplicate entry 'alice@example.com' for key 'users.email'",
    "ERROR 1062 (23000): Duplicate entry 'bob@example.org' for key 'users.email'"),
  apart(
    ['mysql-access-denied-user', mysql, "ERROR 1045 (28000): Access denied for user 'shop'@'10.0.0.5' (using password: YES)"],
    ['mysql-access-denied-db', mysql, "ERROR 1044 (42000): Access denied for user 'shop'@'10.0.0.5' (using password: YES)"]),
  apart(
    ['mysql-duplicate-entry', mysql, "ERROR 1062 (23000): Duplicate entry 'carol@example.com' for key 'users.email'"],
    ['mysql-deadlock', mysql, 'ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction']),
  same('redis-oom', ['sessions', 'redis'],
    "OOM command not allowed when used memory > 'maxmemory'. script: 8f3a2b1c9d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a, on @user_script:12.",
    "OOM command not allowed when used memory > 'maxmemory'. script: 0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b, on @user_script:40."),

  // --- Platform, network, security ---------------------------------------------------------------
  same('disk-full-log', platform,
    'write /var/log/app/app.log: no space left on device',
    'write /var/log/app/access-2024-12-07.log: no space left on device'),
  same('tls-expired', platform,
    'x509: certificate has expired or is not yet valid: current time 2024-12-07T12:00:01Z is after 2024-12-01T00:00:00Z',
    'x509: certificate has expired or is not yet valid: current time 2025-01-03T08:14:55Z is after 2024-12-31T23:59:59Z'),
  apart(
    ['tls-expired', platform, 'x509: certificate has expired or is not yet valid: current time 2025-02-01T00:00:00Z is after 2025-01-31T00:00:00Z'],
    ['tls-unknown-authority', platform, 'x509: certificate signed by unknown authority']),
  same('kafka-lag', ['ledger', 'consumer'],
    'Consumer group ledger lag on topic orders.created partition 12 is 48213 messages',
    'Consumer group ledger lag on topic orders.created partition 3 is 1203 messages'),
  same('mail-mailbox-full', ['notifications', 'smtp'],
    'Failed to deliver notification to alice.smith@example.com: mailbox full',
    'Failed to deliver notification to bob@example.org: mailbox full'),
  apart(
    ['mail-mailbox-full', ['notifications', 'smtp'], 'Failed to deliver notification to dave@example.com: mailbox full'],
    ['mail-mailbox-unavailable', ['notifications', 'smtp'], 'Failed to deliver notification to dave@example.com: mailbox unavailable']),
  same('jwt-expired', ['gateway', 'auth'],
    'JWT expired at 2024-12-07T11:59:00Z for token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlMQ',
    'JWT expired at 2024-12-08T02:10:31Z for token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI5OTEifQ.b3RoZXJzaWduYXR1cmU'),
  same('order-not-found', ['orders', 'api'],
    'Order 0f8fad5b-d9cb-469f-a165-70867728950e not found for tenant 7c9e6679-7425-40de-944b-e07fc1f90ae7',
    'Order 1B4E28BA-2FA1-11D2-883F-0016D3CCA427 not found for tenant 9A7B3C2D-1E0F-4A5B-8C7D-6E5F4A3B2C1D'),
  same('signature-invalid', ['webhooks', 'verifier'],
    'Invalid signature for payload eyJvcmRlciI6ODgxMn0= from 10.1.2.3',
    'Invalid signature for payload eyJvcmRlciI6NDIsInN0YXR1cyI6InBhaWQifQ== from 172.16.0.9'),
  same('dhcp-no-leases', ['office', 'dhcpd'],
    'DHCPDISCOVER from 00:1a:2b:3c:4d:5e via eth0: network 10.0.0.0/24: no free leases',
    'DHCPDISCOVER from a4:5e:60:d1:22:0f via eth0: network 10.0.0.0/24: no free leases'),
  same('ipv6-unreachable', platform,
    'connect to [2001:db8::1]:443 failed: Network is unreachable',
    'connect to [2001:db8:85a3::8a2e:370:7334]:443 failed: Network is unreachable'),
  same('segfault-error-4', platform,
    'app[4121]: segfault at 7f3a2b1c4d90 ip 00007f3a2b1c4d90 sp 00007ffd5e3c1a20 error 4 in libc-2.31.so[7f3a2b000000+1bc000]',
    'app[9950]: segfault at 7f91c0a2e150 ip 00007f91c0a2e150 sp 00007ffc11aa0e88 error 4 in libc-2.31.so[7f91c0000000+1bc000]'),
  apart(
    ['segfault-error-4', platform, 'app[4200]: segfault at 7f3a2b1c4d90 ip 00007f3a2b1c4d90 sp 00007ffd5e3c1a20 error 4 in libc-2.31.so[7f3a2b000000+1bc000]'],
    ['segfault-error-6', platform, 'app[4200]: segfault at 7f3a2b1c4d90 ip 00007f3a2b1c4d90 sp 00007ffd5e3c1a20 error 6 in libc-2.31.so[7f3a2b000000+1bc000]']),
  apart(
    ['killed-sigkill', platform, 'worker 4411 killed by signal SIGKILL after 3m'],
    ['killed-sigterm', platform, 'worker 4411 killed by signal SIGTERM after 3m']),
  same('killed-sigkill', platform, 'worker 4411 killed by signal SIGKILL after 3m', 'worker 8120 killed by signal SIGKILL after 45s'),
  apart(
    ['exit-code-137', platform, 'process exited with code 137 after 2h30m'],
    ['exit-code-143', platform, 'process exited with code 143 after 2h30m']),
  same('feature-flags-failed', ['storefront', 'flags'],
    'flag evaluation failed for checkout-v2: enabled=true rollout=0.25 user=8812',
    'flag evaluation failed for checkout-v2: enabled=FALSE rollout=0.5 user=120'),
  same('cron-missed', ['platform', 'cron'],
    'Missed scheduled run of nightly-backup at Sat, 07 Dec 2024 02:00:00 +0000 (last success Fri, 06 Dec 2024 02:00:12 +0000)',
    'Missed scheduled run of nightly-backup at Sun, 08 Dec 2024 02:00:00 +0000 (last success Fri, 06 Dec 2024 02:00:12 +0000)'),
];
