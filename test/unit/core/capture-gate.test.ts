// The read-only gate's rule on its own: what it lets through and what it refuses, with the reason.
import { describe, expect, it } from 'vitest';
import { checkReadOnly } from '../../../src-main/core/capture/read-only-gate';

const SSR = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
const SSRR = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'prod' } };

describe('checkReadOnly', () => {
  it('lets get, list and watch through', () => {
    for (const path of [
      '/api/v1/pods?limit=500',
      '/api/v1/namespaces/prod/pods/api-0',
      '/api/v1/namespaces/exec/pods',
      '/api/v1/namespaces/proxy/pods/proxy',
      '/apis/apps/v1/namespaces/attach/deployments',
      '/apis/apps/v1/deployments?watch=1&resourceVersion=12',
      '/version',
      '/',
    ]) {
      expect(checkReadOnly({ method: 'GET', path })).toEqual({ ok: true });
    }
  });

  it('lets the two self-reviews through, and only with their own body', () => {
    expect(checkReadOnly({ method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: SSR })).toEqual({ ok: true });
    expect(checkReadOnly({ method: 'POST', path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', body: SSRR })).toEqual({
      ok: true,
    });
    expect(checkReadOnly({ method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: SSRR })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('must be a SelfSubjectReview'),
    });
    expect(
      checkReadOnly({ method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews?dryRun=All', body: SSR }),
    ).toMatchObject({ ok: false });
  });

  it('refuses every other method and every other POST', () => {
    for (const method of ['DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT']) {
      expect(checkReadOnly({ method, path: '/api/v1/namespaces/prod/pods/api-0' })).toMatchObject({
        ok: false,
        reason: expect.stringContaining('only GET'),
      });
    }
    const create = checkReadOnly({ method: 'POST', path: '/apis/authorization.k8s.io/v1/subjectaccessreviews', body: SSRR });
    expect(create).toMatchObject({
      ok: false,
      reason: expect.stringContaining('only SelfSubjectReview and SelfSubjectRulesReview may be posted'),
    });
    expect(checkReadOnly({ method: 'post', path: '/api/v1/namespaces/prod/pods', body: { kind: 'Pod' } })).toMatchObject({ ok: false });
  });

  it('refuses a GET that opens a connection into a workload (exec, attach, portforward, proxy)', () => {
    for (const path of [
      '/api/v1/namespaces/prod/pods/api-0/exec?command=sh',
      '/api/v1/namespaces/prod/pods/api-0/attach',
      '/api/v1/namespaces/prod/pods/api-0/portforward',
      '/api/v1/namespaces/prod/services/api/proxy/admin/reset',
      '/api/v1/nodes/n1/proxy/configz',
      '/api/v1/proxy/namespaces/prod/services/api/admin',
      '/apis/kubevirt.io/v1/namespaces/prod/virtualmachineinstances/vm/portforward',
    ]) {
      expect(checkReadOnly({ method: 'GET', path })).toMatchObject({ ok: false, reason: expect.stringContaining('opens a connection') });
    }
  });

  it('refuses paths the server could route elsewhere than they read', () => {
    for (const path of [
      '/apis/authentication.k8s.io/v1/selfsubjectreviews/../../../../api/v1/pods',
      '/api/v1/namespaces/prod/pods/api-0/%65xec',
      'api/v1/pods',
      '//evil.example/api',
      '/api//v1/pods',
    ]) {
      expect(checkReadOnly({ method: 'GET', path })).toMatchObject({ ok: false });
    }
    expect(
      checkReadOnly({
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews/../../../../api/v1/namespaces/prod/pods',
        body: SSR,
      }),
    ).toMatchObject({ ok: false });
    expect(checkReadOnly({ method: 'GET', path: '/api/v1/pods', body: {} })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('with a body'),
    });
  });
});
