import { PDFBool, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';

/** Where the filled form's tick box and radio buttons are (x, y, width, height in points, from the bottom left). */
export const FORM_BOXES = { tick: [40, 120, 20, 20], radioRed: [40, 70, 20, 20], radioGreen: [100, 70, 20, 20] } as const;

/**
 * A filled form as viewer-reliant files come: NeedAppearances set, the tick box and the
 * "green" radio button selected only by their values (each widget's /AS still /Off) and the
 * text field (`name`: "Ada Lovelace" unless given) with no appearance at all, so only a viewer
 * that draws fields shows them. pdf-lib writes the appearances it then takes away with
 * Helvetica, so a name it cannot encode is set after they are written.
 */
export async function viewerDrawnForm(name = 'Ada Lovelace'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 200]);
  const form = doc.getForm();
  const tick = form.createCheckBox('agree');
  const [x, y, width, height] = FORM_BOXES.tick;
  tick.addToPage(page, { x, y, width, height });
  tick.check();
  const radio = form.createRadioGroup('colour');
  for (const [option, box] of [['red', FORM_BOXES.radioRed], ['green', FORM_BOXES.radioGreen]] as const) {
    radio.addOptionToPage(option, page, { x: box[0], y: box[1], width: box[2], height: box[3] });
  }
  radio.select('green');
  const nameField = form.createTextField('name');
  nameField.addToPage(page, { x: 150, y: 120, width: 120, height: 20 });
  nameField.setText('Ada Lovelace');
  await doc.save(); // writes the appearances, which are then taken away below
  nameField.acroField.setValue(PDFHexString.fromText(name));
  for (const field of form.getFields()) {
    for (const widget of field.acroField.getWidgets()) {
      if (field.getName() === 'name') widget.dict.delete(PDFName.of('AP'));
      else widget.setAppearanceState(PDFName.of('Off'));
    }
  }
  form.acroForm.dict.set(PDFName.of('NeedAppearances'), PDFBool.True);
  return doc.save({ updateFieldAppearances: false });
}
