import { RouteIndex } from './route-index';

describe('RouteIndex', () => {
  const index = new RouteIndex();
  index.add(['GET', 'HEAD'], '/v1/tenants');
  index.add('POST', '/v1/tenants');
  index.add('DELETE', '/v1/tenants/:id');

  it('should list the methods of a known path', () => {
    expect(index.allowedMethods('/v1/tenants?page=2')).toEqual(['GET', 'POST']);
    expect(index.allowedMethods('/v1/tenants/tnt_1')).toEqual(['DELETE']);
  });

  it('should list nothing for an unknown path', () => {
    expect(index.allowedMethods('/v1/nothing')).toEqual([]);
  });
});
