// Events a cluster writes besides an incident: CronJobs starting and finishing their jobs in other
// namespaces, every few minutes, so that the incident's Events must be found among others.
import type { EventRecorder } from './events-writer';
import { recordPodStart, type PodRef } from './events-writer';
import type { SeededRandom } from './random';

export interface CronNoise {
  namespace: string;
  name: string;
  image: string;
  everyMinutes: number;
}

export function recordCronJobNoise(
  recorder: EventRecorder,
  random: SeededRandom,
  window: { t0: number; tEnd: number },
  nodes: string[],
  jobs: CronNoise[],
  schedulerHost: string,
): void {
  for (const job of jobs) {
    const cronUid = random.uuid();
    const period = job.everyMinutes * 60_000_000;
    for (let t = Math.ceil(window.t0 / period) * period; t < window.tEnd; t += period) {
      const jobName = `${job.name}-${Math.floor(t / 60_000_000)}`;
      const jobUid = random.uuid();
      const pod: PodRef = {
        name: `${jobName}-${random.suffix(5)}`,
        namespace: job.namespace,
        uid: random.uuid(),
        node: random.pick(nodes),
        container: job.name,
      };
      const cron = { kind: 'CronJob', namespace: job.namespace, name: job.name, uid: cronUid, apiVersion: 'batch/v1' };
      const jobRef = { kind: 'Job', namespace: job.namespace, name: jobName, uid: jobUid, apiVersion: 'batch/v1' };
      const at = t + random.int(5_000, 90_000);
      recorder.record({
        atUs: at,
        object: cron,
        reason: 'SuccessfulCreate',
        message: `Created job ${jobName}`,
        type: 'Normal',
        component: 'cronjob-controller',
      });
      recorder.record({
        atUs: at + 40_000,
        object: jobRef,
        reason: 'SuccessfulCreate',
        message: `Created pod: ${pod.name}`,
        type: 'Normal',
        component: 'job-controller',
      });
      recordPodStart(recorder, pod, at + 90_000, at + 1_400_000, job.image, { pull: false, schedulerHost });
      const done = at + random.int(8_000_000, 40_000_000);
      recorder.record({
        atUs: done,
        object: jobRef,
        reason: 'Completed',
        message: 'Job completed',
        type: 'Normal',
        component: 'job-controller',
      });
      recorder.record({
        atUs: done + 900_000,
        object: cron,
        reason: 'SawCompletedJob',
        message: `Saw completed job: ${jobName}, condition: Complete`,
        type: 'Normal',
        component: 'cronjob-controller',
      });
    }
  }
}
