import { sqlConditions } from './sql-conditions';

describe('sqlConditions', () => {
  it('keeps the fixed conditions and only the filters that were given, in order', () => {
    expect(
      sqlConditions(
        ['placed_at IS NOT NULL'],
        [
          ['user_id = ?', 'u1'],
          ['status = ?', undefined],
          ['id < ?', 'x'],
        ],
      ),
    ).toEqual({
      where: 'placed_at IS NOT NULL AND user_id = ? AND id < ?',
      params: ['u1', 'x'],
    });
    expect(sqlConditions([], [['a = ?', undefined]])).toEqual({ where: '1 = 1', params: [] });
    expect(sqlConditions([], [['a = ?', null]])).toEqual({ where: 'a = ?', params: [null] });
  });
});
