import { imageReference, imageUrl } from './image-reference';

describe('image references', () => {
  const id = '01JD3QZ7X9V2W8K4M6N0P1R5ST';

  it('turns an upload URL back into its id, and leaves other URLs alone', () => {
    expect(imageReference(`/api/uploads/${id}/content`)).toBe(id);
    expect(imageReference('https://img.example/tea.jpg')).toBe('https://img.example/tea.jpg');
    expect(imageReference(`/api/uploads/${id}/content?variant=thumb`)).toBe(`/api/uploads/${id}/content?variant=thumb`);
  });

  it('loads an upload id from the upload service, a URL from itself', () => {
    expect(imageUrl(id)).toBe(`/api/uploads/${id}/content`);
    expect(imageUrl('https://img.example/tea.jpg')).toBe('https://img.example/tea.jpg');
    expect(imageReference(imageUrl(id))).toBe(id);
  });
});
