import { shipBody, shipProblem } from './ship-form';

describe('ship form', () => {
  it('wants a carrier and a tracking number for express only', () => {
    expect(shipProblem({ logisticsType: 'express', carrier: ' ', trackingNo: 'SF1' })).toBe('carrierRequired');
    expect(shipProblem({ logisticsType: 'express', carrier: '顺丰速运', trackingNo: '' })).toBe('trackingRequired');
    expect(shipProblem({ logisticsType: 'express', carrier: '顺丰速运', trackingNo: 'SF1' })).toBeNull();
    expect(shipProblem({ logisticsType: 'self_pickup', carrier: '', trackingNo: '' })).toBeNull();
    expect(shipProblem({ logisticsType: 'same_city', carrier: '', trackingNo: '' })).toBeNull();
  });

  it('sends the trimmed fields and leaves the empty ones out', () => {
    expect(shipBody({ logisticsType: 'express', carrier: ' 顺丰速运 ', trackingNo: 'SF1 ' })).toEqual({
      logisticsType: 'express',
      carrier: '顺丰速运',
      trackingNo: 'SF1',
    });
    expect(shipBody({ logisticsType: 'virtual', carrier: '', trackingNo: ' ' })).toEqual({ logisticsType: 'virtual' });
  });
});
