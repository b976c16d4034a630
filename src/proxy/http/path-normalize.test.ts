import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRequestPath } from './path-normalize.js';

describe('normalizeRequestPath', () => {
  it('Should remove dot segments so that a path reads as the app will resolve it', () => {
    assert.equal(normalizeRequestPath('/./admin', false), '/admin');
    assert.equal(normalizeRequestPath('/public/../admin', false), '/admin');
    assert.equal(normalizeRequestPath('/a/b/../../../admin', false), '/admin');
    assert.equal(normalizeRequestPath('/admin/.', false), '/admin/');
    assert.equal(normalizeRequestPath('/admin/x/..', false), '/admin/');
  });

  it('Should decode escaped unreserved characters and keep the others escaped', () => {
    assert.equal(normalizeRequestPath('/%61dmin', false), '/admin');
    assert.equal(normalizeRequestPath('/a%2fb', false), '/a%2Fb');
    assert.equal(normalizeRequestPath('/%2e%2e/admin', false), '/admin');
  });

  it('Should merge slashes only when asked', () => {
    assert.equal(normalizeRequestPath('//admin//x', false), '//admin//x');
    assert.equal(normalizeRequestPath('//admin//x', true), '/admin/x');
  });

  it('Should keep the query string as it came', () => {
    assert.equal(normalizeRequestPath('/a/../b?x=/../y&z=%61', false), '/b?x=/../y&z=%61');
  });

  it('Should leave a path that needs no change as it is, dots inside segment names included', () => {
    assert.equal(normalizeRequestPath('/api/v1/items?id=3', true), '/api/v1/items?id=3');
    assert.equal(normalizeRequestPath('/', true), '/');
    assert.equal(normalizeRequestPath('/.well-known/a..b/c.', false), '/.well-known/a..b/c.');
    assert.equal(normalizeRequestPath('/a/b/', false), '/a/b/');
  });

  it('Should refuse a malformed escape or a path that does not start with a slash', () => {
    assert.equal(normalizeRequestPath('/a%zz', false), undefined);
    assert.equal(normalizeRequestPath('/a%4', false), undefined);
    assert.equal(normalizeRequestPath('admin', false), undefined);
  });
});
