import '../../styles/base.css';
import '../../styles/tablet.css';
import { render } from 'preact';
import { TabletApp } from './TabletApp.jsx';

render(<TabletApp />, document.getElementById('app'));
