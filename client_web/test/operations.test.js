import { describe, expect, it } from 'vitest';
import { API_ROOT, apiUrl, operations, path } from '../src/lib/operations.js';

describe('operations', () => {
  it('names each operation with its method and path template', () => {
    expect(operations.castVote).toEqual({ method: 'POST', path: '/motions/{motion_id}/ballot' });
    expect(Object.keys(operations)).toEqual(Object.keys(operations).toSorted());
    expect(Object.isFrozen(operations)).toBe(true);
    expect(Object.isFrozen(operations.castVote)).toBe(true);
  });

  it('fills the path parameters', () => {
    expect(path('castVote', { motion_id: 7 })).toBe('/motions/7/ballot');
    expect(path('getDocumentPageText', { document_id: 12, page: 3 })).toBe('/documents/12/pages/3/text');
    expect(path('listMeetings')).toBe('/meetings');
  });

  it('encodes every value', () => {
    expect(path('getDocument', { document_id: 'a/b c?' })).toBe('/documents/a%2Fb%20c%3F');
    expect(path('searchDocuments', { meeting_id: 1 }, { q: 'ngân sách & thuế', limit: 50 })).toBe(
      '/meetings/1/search?q=ng%C3%A2n%20s%C3%A1ch%20%26%20thu%E1%BA%BF&limit=50',
    );
  });

  it('appends the query in order, leaving out undefined and null', () => {
    const params = { document_id: 4 };
    expect(path('listAnnotations', params, { limit: 1000, since: 17 })).toBe('/documents/4/annotations?limit=1000&since=17');
    expect(path('listAnnotations', params, { limit: 1000, since: null })).toBe('/documents/4/annotations?limit=1000');
    expect(path('getMeetingState', { meeting_id: 2 }, { since: undefined })).toBe('/meetings/2/state');
    expect(path('getMeetingState', { meeting_id: 2 }, { since: 0 })).toBe('/meetings/2/state?since=0');
  });

  it('gives the full address under the API root', () => {
    expect(API_ROOT).toBe('/api');
    expect(apiUrl('getDocumentPageImage', { document_id: 5, page: 1 }, { width: 960, dpr: 2 })).toBe(
      '/api/documents/5/pages/1/image?width=960&dpr=2',
    );
  });

  it('throws on a missing path parameter, naming it', () => {
    expect(() => path('castVote')).toThrow(/castVote: missing path parameter motion_id/);
    expect(() => path('castVote', { motion_id: null })).toThrow(/missing path parameter motion_id/);
    expect(() => path('castVote', { motion_id: '' })).toThrow(/missing path parameter motion_id/);
    expect(() => path('getDocumentPageText', { document_id: 1 })).toThrow(/missing path parameter page/);
  });

  it('throws on a parameter the operation does not have', () => {
    expect(() => path('castVote', { motion_id: 1, meeting_id: 2 })).toThrow(/castVote: unknown path parameter meeting_id/);
    expect(() => path('getMeetingState', { meeting_id: 1 }, { after: 3 })).toThrow(/unknown query parameter after/);
    expect(() => path('listMeetings', {}, { since: null })).toThrow(/unknown query parameter since/);
  });

  it('throws on an unknown operation, naming it', () => {
    expect(() => path('castBallot', { motion_id: 1 })).toThrow(/Unknown API operation: castBallot/);
    expect(() => path('toString')).toThrow(/Unknown API operation: toString/);
    expect(() => apiUrl('nope')).toThrow(/nope/);
  });
});
