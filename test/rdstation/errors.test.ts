import { describe, expect, it } from '@jest/globals';
import { ApiError, apiErrorFromResponse, isDuplicateError, parseErrorBody, sanitize } from '../../src/rdstation/errors.js';
import { UserError } from '../../src/shared/errors.js';
import { apiFixture } from '../helpers/fixtures.js';

describe('parseErrorBody', () => {
  it.each([
    ['error-object.json', 'RESOURCE_NOT_FOUND', 'Webhook not found.', []],
    ['error-array-with-path.json', 'INVALID_OPTION', 'event_type: Must be one of the valid options.', [
      { field: 'event_type', code: 'INVALID_OPTION', message: 'Must be one of the valid options.', validOptions: ['WEBHOOK.CONVERTED', 'WEBHOOK.MARKED_OPPORTUNITY'] },
    ]],
    ['error-array-several-401.json', 'UNAUTHORIZED', 'Invalid token.; Wrong credentials provided.', []],
    ['error-field-map.json', 'MUST_BE_STRING', 'name: Name must be string.', [{ field: 'name', code: 'MUST_BE_STRING', message: 'Name must be string.' }]],
    ['error-field-map-nested.json', 'CANNOT_BE_BLANK', 'label.pt-BR: cannot be blank; api_identifier: cannot be blank', [
      { field: 'label.pt-BR', code: 'CANNOT_BE_BLANK', message: 'cannot be blank' },
      { field: 'api_identifier', code: 'CANNOT_BE_BLANK', message: 'cannot be blank' },
    ]],
    ['error-bare.json', 'UNAUTHORIZED', 'Invalid token.', []],
    ['error-oauth.json', 'invalid_request', 'The access token is missing', []],
    ['error-strings.json', undefined, 'all errors', []],
    ['error-pure-array.json', 'CANNOT_BE_NULL', 'client_secret: Cannot be null.', [{ field: 'client_secret', code: 'CANNOT_BE_NULL', message: 'Cannot be null.' }]],
    ['rate-limit-errors-shape.json', 'RATE_LIMIT_EXCEDDED', 'API usage limit exceeded', []],
    ['rate-limit-gateway.json', undefined, 'API rate limit exceeded', []],
  ])('reads %s', (file, code, message, fieldErrors) => {
    const parsed = parseErrorBody(apiFixture(file));
    expect(parsed).toEqual({ code, message, fieldErrors, html: false });
  });

  it('reads the rate-limit body with remaining_time in milliseconds', () => {
    const parsed = parseErrorBody(apiFixture('rate-limit-remaining-time.json'));
    expect(parsed.remainingTimeMs).toBe(43067);
    expect(parsed.message).toContain("'lead_limiter' rate limit exceeded");
  });

  it('reads an HTML gateway page by its title', () => {
    expect(parseErrorBody(apiFixture('gateway-503.html'))).toEqual({
      message: 'an HTML error page ("503 Service Temporarily Unavailable")',
      fieldErrors: [],
      html: true,
    });
  });

  it.each([[''], ['   \n']])('reads an empty body %j as no details', (body) => {
    expect(parseErrorBody(body)).toEqual({ fieldErrors: [], html: false });
  });

  it('keeps plain text, cut short and without control characters', () => {
    const parsed = parseErrorBody(`oops\u001b[31m red ${'x'.repeat(300)}`);
    expect(parsed.message).not.toContain('\u001b');
    expect(parsed.message?.length).toBeLessThanOrEqual(201);
  });

  it('strips control characters from remote messages', () => {
    expect(parseErrorBody('{"error_type":"X","error_message":"bad\\u001b[2Jthing"}').message).toBe('badthing');
    expect(sanitize('a\r\nb')).toBe('a b');
  });
});

describe('apiErrorFromResponse', () => {
  const make = (status: number, body: string, operation?: 'list' | 'get' | 'create' | 'update' | 'delete' | 'token', method = 'GET') =>
    apiErrorFromResponse({ status, body, method, path: '/integrations/webhooks/abc', operation });

  it('is a UserError with every typed field', () => {
    const e = make(400, apiFixture('error-array-with-path.json'), 'create', 'POST');
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toBeInstanceOf(UserError);
    expect(e).toMatchObject({ status: 400, code: 'INVALID_OPTION', method: 'POST', path: '/integrations/webhooks/abc', retryable: false });
    expect(e.fieldErrors[0]?.field).toBe('event_type');
    expect(e.message).toBe('RD Station answered 400 to POST /integrations/webhooks/abc: event_type: Must be one of the valid options. (INVALID_OPTION)');
  });

  it('tells the user to check credentials on 401', () => {
    const e = make(401, apiFixture('error-bare.json'), 'list');
    expect(e.hint).toMatch(/Check the credentials.*RDSTATION_ACCESS_TOKEN/);
  });

  it('says a 404 on update means the webhook was deleted outside rdhooks', () => {
    const e = make(404, apiFixture('error-object.json'), 'update', 'PUT');
    expect(e.hint).toMatch(/deleted outside rdhooks.*plan again/);
  });

  it('marks 429 and 5xx retryable, 4xx not', () => {
    expect(make(429, apiFixture('rate-limit-gateway.json')).retryable).toBe(true);
    expect(make(503, apiFixture('gateway-503.html')).retryable).toBe(true);
    expect(make(503, apiFixture('gateway-503.html')).hint).toMatch(/try again later/);
    expect(make(400, '{}').retryable).toBe(false);
  });

  it('handles an empty body', () => {
    expect(make(500, '').message).toBe('RD Station answered 500 to GET /integrations/webhooks/abc: no details');
  });

  it('carries the body remaining_time as the wait', () => {
    expect(make(429, apiFixture('rate-limit-remaining-time.json')).retryAfterMs).toBe(43067);
  });

  it.each([
    [{ status: 409 }, true],
    [{ status: 422, code: 'DUPLICATED_URL' }, true],
    [{ status: 400, serverMessage: 'Não é permitido o cadastro de URLs duplicadas para o mesmo event_type' }, true],
    [{ status: 400, code: 'INVALID_OPTION' }, false],
  ])('recognizes the duplicate refusal %j', (e, expected) => {
    expect(isDuplicateError(e)).toBe(expected);
  });

  it('gives the duplicate refusal its own hint', () => {
    const e = make(422, '{"errors":[{"error_type":"DUPLICATED_URL","error_message":"dup","path":"$.body.url"}]}', 'create', 'POST');
    expect(e.hint).toMatch(/one webhook per \(event_type, url\)/);
  });
});
